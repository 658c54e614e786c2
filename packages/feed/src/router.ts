import { imageInput, pageInput, similarInput, userInput } from './feed.schema';
import { image, setLike, view } from './image.handler';
import { forYou, latest, popular, similar, user } from './lists.handler';
import { protectedProcedure, publicProcedure, router } from './trpc';

export const feedRouter = router({
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
