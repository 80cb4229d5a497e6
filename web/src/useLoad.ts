import { ref, shallowRef, type Ref } from 'vue';
import { asApiError, type ApiError } from './api';

/**
 * A page's load/refresh state: `load()` runs `fn` with `loading` set; success sets `loaded` and
 * clears `error`, a failure becomes `error` (as an ApiError) and clears `notice` when given.
 */
export function useLoad(fn: () => Promise<unknown>, notice?: Ref<string>) {
  const loading = ref(false);
  const loaded = ref(false);
  const error = shallowRef<ApiError | null>(null);
  async function load() {
    loading.value = true;
    try {
      await fn();
      loaded.value = true;
      error.value = null;
    } catch (e) {
      error.value = asApiError(e);
      if (notice) notice.value = '';
    } finally {
      loading.value = false;
    }
  }
  return { loading, loaded, error, load };
}
