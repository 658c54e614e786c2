import { createEmbeddedSearchIndex } from '@glimpse/search-index';
import { describeSearchIndexContract } from './contract';
import { describeSearchQuality } from './quality';

describeSearchIndexContract('embedded (MiniSearch, in memory)', () => createEmbeddedSearchIndex());
describeSearchQuality('embedded (MiniSearch, in memory)', () => createEmbeddedSearchIndex());
