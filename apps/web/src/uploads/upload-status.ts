import type { ImageStatus, UploadState } from '@glimpse/images';
import type { QueryClient } from '@tanstack/react-query';
import { describeProblem } from '../api/errors';
import { trpc } from '../api/queries';

const POLL_START_MS = 700;
const POLL_MAX_MS = 4_000;
const STILL_WORKING: ReadonlySet<ImageStatus> = new Set(['pending', 'processing']);
/** Asking again cannot help: the image is gone, or we may not look at it. */
const GIVE_UP: ReadonlySet<string | undefined> = new Set(['UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND']);

export const isStillWorking = (status: ImageStatus) => STILL_WORKING.has(status);

/**
 * `upload.status` of one image, asked again (often at first, then every few seconds; every
 * few seconds when told to slow down) until the processor is done with it: ready or failed.
 * The upload queue and My uploads follow the same query, so they never ask twice.
 */
export function uploadStatusOptions(imageId: string) {
  return trpc.upload.status.queryOptions(
    { imageId },
    {
      staleTime: 0,
      // Each poll is a retry of its own.
      retry: false,
      refetchIntervalInBackground: true,
      refetchInterval: (query) => {
        const { data, error, dataUpdateCount, errorUpdateCount } = query.state;
        if (data && !isStillWorking(data.status)) return false;
        const code = error ? describeProblem(error).code : undefined;
        if (GIVE_UP.has(code) && error) return false;
        if (code === 'TOO_MANY_REQUESTS') return POLL_MAX_MS;
        return Math.min(POLL_MAX_MS, POLL_START_MS * 1.5 ** (dataUpdateCount + errorUpdateCount));
      },
    },
  );
}

export const isGiveUpCode = (code: string | undefined) => GIVE_UP.has(code);

const mineKey = () => trpc.upload.mine.infiniteQueryKey({});

/** My uploads' list as it should read now that `next` is the upload's state. */
export function replaceInMyUploads(queryClient: QueryClient, next: UploadState) {
  queryClient.setQueryData(mineKey(), (data) =>
    data && { ...data, pages: data.pages.map((page) => ({ ...page, items: page.items.map((item) => (item.id === next.id ? next : item)) })) },
  );
}

export function removeFromMyUploads(queryClient: QueryClient, imageId: string) {
  queryClient.setQueryData(mineKey(), (data) =>
    data && { ...data, pages: data.pages.map((page) => ({ ...page, items: page.items.filter((item) => item.id !== imageId) })) },
  );
}
