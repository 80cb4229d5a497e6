// Files the browser reads and saves: a picked file as Base64 (for the JSON bodies the kernel takes),
// Base64 back to bytes, PNG sniffing, and saving a Blob as a download.
import { ApiError } from './api';

/** The file's bytes as Base64 (no data: prefix); `onProgress` gets 0..100 while it is read. */
export function readBase64(file: Blob & { name?: string }, onProgress?: (percent: number) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onprogress = (e) => {
      if (onProgress && e.lengthComputable && e.total > 0) onProgress(Math.round((e.loaded / e.total) * 100));
    };
    reader.onerror = () => reject(new ApiError(0, `无法读取文件“${file.name ?? ''}”。`));
    reader.onload = () => {
      const url = String(reader.result ?? '');
      resolve(url.slice(url.indexOf(',') + 1)); // data:<type>;base64,<data>
    };
    reader.readAsDataURL(file);
  });
}

/** Base64 text as a Blob of its bytes (e.g. a DER signature to save). */
export function base64ToBlob(base64: string, type = 'application/octet-stream'): Blob {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return new Blob([bytes], { type });
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Whether the file starts with the PNG signature (what it is, whatever its name says). */
export async function isPng(file: Blob): Promise<boolean> {
  const head = new Uint8Array(await file.slice(0, PNG_SIGNATURE.length).arrayBuffer());
  return head.length === PNG_SIGNATURE.length && PNG_SIGNATURE.every((b, i) => head[i] === b);
}

/** Offers the Blob as a download named `name` (for files fetched with the admin token, or made here). */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  // Revoked later, not at once: some browsers read the URL only after click() returned.
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
