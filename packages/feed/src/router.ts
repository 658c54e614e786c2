import { addImages, createAlbum, deleteAlbum, getAlbum, listAlbums, move, removeImages, reorder, updateAlbum } from './albums.handler';
import { albumImagesInput, albumInput, createAlbumInput, getAlbumInput, listAlbumsInput, moveInput, reorderInput, updateAlbumInput } from './albums.schema';
import { imageInput, pageInput, similarInput, userInput } from './feed.schema';
import { image, setLike, view } from './image.handler';
import { forYou, latest, popular, similar, user } from './lists.handler';
import { protectedProcedure, publicProcedure, router } from './trpc';

/** `feed.albums.*`: a user's own images in their order, shared like an image. */
const albumsRouter = router({
  create: protectedProcedure.input(createAlbumInput).mutation(({ ctx, input }) => createAlbum(ctx, input)),
  update: protectedProcedure.input(updateAlbumInput).mutation(({ ctx, input }) => updateAlbum(ctx, input)),
  delete: protectedProcedure.input(albumInput).mutation(({ ctx, input }) => deleteAlbum(ctx, input)),
  addImages: protectedProcedure.input(albumImagesInput).mutation(({ ctx, input }) => addImages(ctx, input)),
  removeImages: protectedProcedure.input(albumImagesInput).mutation(({ ctx, input }) => removeImages(ctx, input)),
  reorder: protectedProcedure.input(reorderInput).mutation(({ ctx, input }) => reorder(ctx, input)),
  move: protectedProcedure.input(moveInput).mutation(({ ctx, input }) => move(ctx, input)),
  get: publicProcedure.input(getAlbumInput).query(({ ctx, input }) => getAlbum(ctx, input)),
  list: publicProcedure.input(listAlbumsInput).query(({ ctx, input }) => listAlbums(ctx, input)),
});

export const feedRouter = router({
  albums: albumsRouter,
  latest: publicProcedure.input(pageInput).query(({ ctx, input }) => latest(ctx, input)),
  popular: publicProcedure.input(pageInput).query(({ ctx, input }) => popular(ctx, input)),
  forYou: protectedProcedure.input(pageInput).query(({ ctx, input }) => forYou(ctx, input)),
  similar: publicProcedure.input(similarInput).query(({ ctx, input }) => similar(ctx, input)),
  user: publicProcedure.input(userInput).query(({ ctx, input }) => user(ctx, input)),
  image: publicProcedure.input(imageInput).query(({ ctx, input }) => image(ctx, input)),
  like: protectedProcedure.input(imageInput).mutation(({ ctx, input }) => setLike(ctx, input, true)),
  unlike: protectedProcedure.input(imageInput).mutation(({ ctx, input }) => setLike(ctx, input, false)),
  view: publicProcedure.input(imageInput).mutation(({ ctx, input }) => view(ctx, input)),
});

export type FeedRouter = typeof feedRouter;
