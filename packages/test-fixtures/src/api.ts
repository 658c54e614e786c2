import { TRPCClientError } from '@trpc/client';

/** The tRPC error code and message a call failed with. */
export async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string; httpStatus: number; field?: string }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TRPCClientError) {
      const data = error.data as { code: string; httpStatus: number; field?: string };
      return { code: data.code, message: error.message, httpStatus: data.httpStatus, field: data.field };
    }
    throw error;
  }
  throw new Error('expected the call to fail, but it succeeded');
}
