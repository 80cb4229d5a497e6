import { ref } from 'vue';

// The admin bearer token lives only in this tab's sessionStorage.
const KEY = 'wangban.admin.token';

function readStored(): string | null {
  try {
    return window.sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export const adminToken = ref<string | null>(readStored());

export function setAdminToken(value: string): void {
  adminToken.value = value;
  try {
    window.sessionStorage.setItem(KEY, value);
  } catch {
    /* storage unavailable: keep the token in memory only */
  }
}

export function clearAdminToken(): void {
  adminToken.value = null;
  try {
    window.sessionStorage.removeItem(KEY);
  } catch {
    /* ignore */
  }
}
