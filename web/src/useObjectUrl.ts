import { getCurrentInstance, onBeforeUnmount, ref } from 'vue';

/**
 * An object URL for a Blob the page shows (a picture fetched with credentials, a preview, a file to
 * download): `set()` replaces it and frees the previous one; the last is freed when the component
 * unmounts.
 */
export function useObjectUrl() {
  const url = ref<string | null>(null);
  function set(blob: Blob | null) {
    if (url.value) URL.revokeObjectURL(url.value);
    url.value = blob ? URL.createObjectURL(blob) : null;
  }
  if (getCurrentInstance()) onBeforeUnmount(() => set(null));
  return { url, set };
}
