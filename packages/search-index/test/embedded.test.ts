import { createEmbeddedSearchIndex } from '@glimpse/search-index';
import { describeSearchIndexContract } from './contract';
import { describeSearchQuality } from './quality';

describeSearchIndexContract('embedded (inverted index, in memory)', () => createEmbeddedSearchIndex());
describeSearchQuality('embedded (inverted index, in memory)', () => createEmbeddedSearchIndex());
