import type { ImageStatus, Visibility } from '@glimpse/images';
import { QueryObserver } from '@tanstack/react-query';
import { ApiError, describeProblem } from '../api/errors';
import { queryClient, trpc } from '../api/queries';
import { sendUpload } from '../api/upload-request';
import { invalidateImageLists } from '../feed/image-cache';
import { isGiveUpCode, uploadStatusOptions } from './upload-status';

/**
 * staged → queued → uploading → processing → ready | failed; `refused` when the server
 * turned the file down (wrong type, too large…), with its message; `waiting` when it asked
 * us to slow down (429): the file goes again by itself after the Retry-After it gave.
 */
export type UploadPhase = 'staged' | 'queued' | 'uploading' | 'waiting' | 'processing' | 'ready' | 'failed' | 'refused';

export interface UploadItem {
  key: string;
  file: File;
  title: string;
  phase: UploadPhase;
  /** 0..1 of the bytes sent. */
  progress: number;
  /** The server's status while processing (`pending`, `processing`). */
  serverStatus?: ImageStatus;
  imageId?: string;
  /** Why it was refused or failed, in the server's words. */
  message?: string;
}

export interface SharedFields {
  visibility: Visibility;
  tags: string;
  description: string;
}

const CONCURRENT_UPLOADS = 3;
const FINISHED: ReadonlySet<UploadPhase> = new Set(['ready', 'failed', 'refused']);
/** A file told to wait longer than this in all is given up on (an hourly limit), with the server's message. */
const MAX_RATE_LIMIT_WAIT_MS = 10 * 60_000;

export const isFinished = (item: UploadItem) => FINISHED.has(item.phase);
const titleFromFileName = (name: string) => name.replace(/\.[^.]+$/, '').slice(0, 200);

/**
 * The upload page's work, kept outside React so uploads carry on (and their progress is
 * still there) when the user browses elsewhere and comes back.
 */
class UploadQueue {
  private items: UploadItem[] = [];
  private readonly listeners = new Set<() => void>();
  private readonly shared = new Map<string, SharedFields>();
  private readonly aborts = new Map<string, AbortController>();
  private readonly waitedMs = new Map<string, number>();
  private nextKey = 0;

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  snapshot = (): readonly UploadItem[] => this.items;

  private patch(key: string, change: Partial<UploadItem>) {
    this.items = this.items.map((item) => (item.key === key ? { ...item, ...change } : item));
    this.listeners.forEach((listener) => listener());
  }

  private get(key: string) {
    return this.items.find((item) => item.key === key);
  }

  addFiles(files: Iterable<File>) {
    const added = [...files].map((file): UploadItem => ({ key: `upload-${this.nextKey++}`, file, title: titleFromFileName(file.name), phase: 'staged', progress: 0 }));
    this.items = [...this.items, ...added];
    this.listeners.forEach((listener) => listener());
  }

  setTitle(key: string, title: string) {
    if (this.get(key)?.phase === 'staged') this.patch(key, { title });
  }

  /** Drops a staged or finished file from the list (one in flight must finish first). */
  remove(key: string) {
    const item = this.get(key);
    if (!item || !(item.phase === 'staged' || isFinished(item))) return;
    this.items = this.items.filter((other) => other.key !== key);
    this.listeners.forEach((listener) => listener());
  }

  clearFinished() {
    this.items = this.items.filter((item) => !isFinished(item));
    this.listeners.forEach((listener) => listener());
  }

  /** Sends every staged file with the shared fields, a few at a time. */
  start(fields: SharedFields) {
    for (const item of this.items) {
      if (item.phase !== 'staged') continue;
      this.shared.set(item.key, fields);
      this.patch(item.key, { phase: 'queued' });
    }
    this.pump();
  }

  /** Stops everything (sign-out). */
  clear() {
    this.aborts.forEach((controller) => controller.abort());
    this.aborts.clear();
    this.shared.clear();
    this.waitedMs.clear();
    this.items = [];
    this.listeners.forEach((listener) => listener());
  }

  private pump() {
    const uploading = this.items.filter((item) => item.phase === 'uploading').length;
    const waiting = this.items.filter((item) => item.phase === 'queued').slice(0, Math.max(0, CONCURRENT_UPLOADS - uploading));
    for (const item of waiting) void this.send(item);
  }

  private async send(item: UploadItem) {
    const controller = new AbortController();
    this.aborts.set(item.key, controller);
    this.patch(item.key, { phase: 'uploading', progress: 0 });
    const fields = this.shared.get(item.key)!;
    let retrying = false;
    try {
      const created = await sendUpload(item.file, { ...fields, title: item.title }, (progress) => this.get(item.key) && this.patch(item.key, { progress }), controller.signal);
      if (controller.signal.aborted) return;
      this.waitedMs.delete(item.key);
      // An exact copy of a photo already in the library is not stored again: the row follows the one there.
      const message = 'duplicateOf' in created && created.duplicateOf ? 'Already in your library (an exact copy); not uploaded again.' : undefined;
      this.patch(item.key, { phase: 'processing', progress: 1, imageId: created.imageId, serverStatus: created.status, message });
      this.followStatus(item.key, created.imageId, controller.signal);
    } catch (error) {
      this.aborts.delete(item.key);
      if (controller.signal.aborted) return;
      const waited = this.waitedMs.get(item.key) ?? 0;
      if (error instanceof ApiError && error.code === 'TOO_MANY_REQUESTS' && waited + (error.retryAfterMs ?? 0) <= MAX_RATE_LIMIT_WAIT_MS) {
        retrying = true;
        void this.waitAndRequeue(item.key, error.retryAfterMs ?? 1000, error.message, controller.signal);
      } else {
        this.waitedMs.delete(item.key);
        this.patch(item.key, { phase: 'refused', message: describeProblem(error).message });
        void queryClient.invalidateQueries(trpc.upload.quota.pathFilter());
      }
    } finally {
      if (!retrying) this.shared.delete(item.key);
      if (!controller.signal.aborted) this.pump();
    }
  }

  /** Told to slow down: the file shows "waiting" with the server's message, then goes back in the queue. */
  private async waitAndRequeue(key: string, retryAfterMs: number, message: string, signal: AbortSignal) {
    // A little jitter, so that files told the same Retry-After do not all come back at once.
    const waitMs = retryAfterMs + Math.random() * 500;
    this.waitedMs.set(key, (this.waitedMs.get(key) ?? 0) + waitMs);
    this.patch(key, { phase: 'waiting', progress: 0, message });
    await new Promise((resolve) => setTimeout(resolve, waitMs));
    if (signal.aborted || this.get(key)?.phase !== 'waiting') return;
    this.patch(key, { phase: 'queued', message: undefined });
    this.pump();
  }

  /**
   * Follows `upload.status` (the shared query, polled until ready or failed) for this file.
   * Five failed checks in a row, or one that cannot succeed (signed out, gone), end it.
   */
  private followStatus(key: string, imageId: string, signal: AbortSignal) {
    const observer = new QueryObserver(queryClient, uploadStatusOptions(imageId));
    let problems = 0;
    let seenData = 0;
    let seenError = 0;
    const stop = () => unsubscribe();
    const finish = (change: Partial<UploadItem>) => {
      stop();
      this.finish(key, change);
      void invalidateImageLists(queryClient);
    };
    const unsubscribe = observer.subscribe((result) => {
      if (signal.aborted || !this.get(key)) return stop();
      if (result.dataUpdatedAt > seenData && result.data) {
        seenData = result.dataUpdatedAt;
        problems = 0;
        const state = result.data;
        if (state.status === 'ready') return finish({ phase: 'ready', serverStatus: 'ready' });
        if (state.status === 'failed') return finish({ phase: 'failed', serverStatus: 'failed', message: state.failureReason ?? 'Processing failed.' });
        this.patch(key, { serverStatus: state.status });
      } else if (result.errorUpdatedAt > seenError && result.error) {
        seenError = result.errorUpdatedAt;
        const problem = describeProblem(result.error);
        if (problem.code === 'TOO_MANY_REQUESTS') return;
        if (isGiveUpCode(problem.code) || ++problems >= 5) finish({ phase: 'failed', message: `Couldn't follow this upload: ${problem.message}` });
      }
    });
    signal.addEventListener('abort', stop, { once: true });
  }

  private finish(key: string, change: Partial<UploadItem>) {
    this.aborts.delete(key);
    this.patch(key, change);
  }
}

export const uploadQueue = new UploadQueue();
