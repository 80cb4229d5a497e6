// The live state of my inbox for the header: the unread count and the newest message, kept by one
// EventSource on GET /api/messages/stream (session cookie; the admin token has no inbox). The
// browser reconnects by itself after a network error and sends Last-Event-ID, so the kernel replays
// what was missed; a refused connection (e.g. the session ended) is not retried by the browser, so
// it is looked at with an ordinary request (a 401 signs the tab out) and reopened after a pause.
import { ref, shallowRef } from 'vue';
import { MESSAGE_STREAM_URL, listMessages } from './api';

/** A message as the stream announces it (event "message"). */
export interface LiveMessage {
  seq: number;
  id: string;
  topic: string;
  title: string;
  body: string;
  link: string;
  created_at: string;
}

/** How many of my messages are unread; null until the stream (or a page) has said. */
export const unreadCount = ref<number | null>(null);
/** The newest message that arrived while the page was open (the header's toast). */
export const latestMessage = shallowRef<LiveMessage | null>(null);

type Listener = (m: LiveMessage) => void;
const listeners = new Set<Listener>();

/** Calls `listener` for each new message; returns the function that stops it. */
export function onLiveMessage(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

let source: EventSource | null = null;
let reopenTimer: number | undefined;
let recountTimer: number | undefined;
let failures = 0;
let active = false;

/** Opens the stream (once); call when a session with an inbox is logged in. */
export function startInbox(): void {
  active = true;
  open();
}

function open(): void {
  if (source || !active) return;
  window.clearTimeout(reopenTimer);
  const es = new EventSource(MESSAGE_STREAM_URL, { withCredentials: true });
  source = es;
  es.addEventListener('open', () => {
    failures = 0;
  });
  es.addEventListener('unread', (e) => {
    const n = Number(readData(e)?.unread);
    if (Number.isFinite(n)) unreadCount.value = n;
  });
  es.addEventListener('message', (e) => {
    const m = readData(e) as LiveMessage | null;
    if (!m || typeof m.id !== 'string') return;
    unreadCount.value = (unreadCount.value ?? 0) + 1;
    latestMessage.value = m;
    for (const l of listeners) l(m);
    // A reconnect replays missed messages after an "unread" that already counts them: recount.
    scheduleRecount();
  });
  es.addEventListener('error', () => {
    if (es.readyState !== EventSource.CLOSED || source !== es) return; // the browser is reconnecting
    source = null;
    failures += 1;
    void recount(); // a 401 here signs the tab out, which stops the inbox
    reopenTimer = window.setTimeout(open, Math.min(60_000, 3_000 * 2 ** Math.min(failures, 5)));
  });
}

/** Closes the stream and forgets the count (at logout). */
export function stopInbox(): void {
  active = false;
  window.clearTimeout(reopenTimer);
  window.clearTimeout(recountTimer);
  source?.close();
  source = null;
  failures = 0;
  unreadCount.value = null;
  latestMessage.value = null;
}

/** A page that read the inbox knows the exact count. */
export function setUnread(n: number): void {
  unreadCount.value = Math.max(0, n);
}

function scheduleRecount(): void {
  window.clearTimeout(recountTimer);
  recountTimer = window.setTimeout(() => void recount(), 500);
}

async function recount(): Promise<void> {
  try {
    const { unread } = await listMessages(true, undefined, 1);
    if (active) setUnread(unread);
  } catch {
    /* the count stays as it was; the stream or a page will correct it */
  }
}

function readData(e: Event): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse((e as MessageEvent<string>).data);
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
