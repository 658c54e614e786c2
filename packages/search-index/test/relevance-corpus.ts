import type { SearchDocument } from '@glimpse/search-index';

/**
 * A judged corpus for search relevance: photos written as people upload them (a title, a
 * line of description, a few tags), including near misses meant to be ranked below the
 * real answers, and queries with graded judgments made by reading the photos, not by
 * running an engine: 3 = what was asked for, 2 = clearly relevant, 1 = related, unlisted = 0.
 * Everyday filler photos (generated below) hold none of the queries' words.
 */

/** key, title, description, tags (space separated), visibility when not public. */
type Photo = [string, string, string, string, ('private' | 'unlisted')?];

const photos: Photo[] = [
  // cats and sofas
  ['cat-sofa-1', 'Cat on the sofa', 'Milo claimed the whole sofa again', 'cat sofa indoor'],
  ['cat-sofa-2', 'Cat asleep on the sofa', 'Sunday afternoon nap', 'cat sofa sleeping'],
  ['cat-sofa-3', 'Ginger cat on a grey sofa', '', 'cat sofa pet'],
  ['cat-sofa-4', 'Our cat loves the new sofa', 'Took her two minutes to move in', 'cat sofa living-room'],
  ['cat-sofa-5', 'Kitten hiding under the sofa cushions', 'Only the tail gives her away', 'cat kitten sofa'],
  ['cat-sofa-6', 'Sofa king', 'Luna on her throne', 'cat sofa funny'],
  ['cat-sofa-7', 'Lazy cat', 'Stretched out on the sofa all day', 'cat pet indoor'],
  ['cat-sofa-8', 'Two cats sharing a sofa', 'A rare truce', 'cat sofa'],
  ['cat-sofa-9', 'Black cat on a leather sofa', 'Low light, high ISO', 'cat sofa black-and-white'],
  ['cat-sofa-10', 'Morning coffee with the cat', 'She sits on the sofa arm every morning', 'cat coffee sofa'],
  ['cat-sofa-11', 'Cat and dog on the sofa', 'They do get along, sometimes', 'cat dog sofa'],
  ['cat-sofa-12', 'The cat found the sunny sofa spot', '', 'cat sofa sunlight'],
  ['cat-sofa-13', 'Tabby curled up', 'Our tabby on the old sofa at grandma’s', 'cat tabby sofa'],
  ['cat-sofa-14', 'New sofa, first scratch', 'The cat approved, loudly', 'cat sofa'],
  ['cat-sofa-15', 'Cat on the couch', 'Siamese cat resting on the sofa by the window', 'cat siamese'],
  ['cat-garden', 'Cat in the garden', 'Hunting butterflies', 'cat garden outdoor'],
  ['cat-window', 'Cat watching birds from the window', '', 'cat window'],
  ['cat-box', 'Cat in a cardboard box', 'Bought her a bed, she chose the box', 'cat box funny'],
  ['dog-sofa', 'Dog on the sofa', 'Not allowed, obviously', 'dog sofa indoor'],
  ['sofa-sale', 'Sofa for sale', 'Barely used, pickup only', 'sofa furniture'],
  ['sofa-design', 'Mid-century sofa in the showroom', 'Velvet and walnut', 'sofa interior design'],
  ['cat-private', 'Cat on the sofa, private', 'Only for me', 'cat sofa', 'private'],
  // dogs
  ['retriever-1', 'Golden retriever in the park', 'Fetching the same stick for an hour', 'dog golden-retriever park'],
  ['retriever-2', 'Golden retriever puppy', 'Eight weeks old and already stealing socks', 'dog puppy golden-retriever'],
  ['retriever-3', 'Our golden retriever at the lake', 'Swimming is his favourite thing', 'dog lake golden-retriever'],
  ['retriever-4', 'Retriever waiting for the ball', 'A golden boy with endless patience', 'dog retriever'],
  ['golden-hour', 'Golden hour over the fields', 'A retriever ran through the shot', 'landscape fields sunset'],
  ['golden-gate', 'Golden Gate Bridge in the fog', 'San Francisco at dawn', 'bridge san-francisco fog'],
  ['labrador', 'Black labrador on the beach', '', 'dog beach labrador'],
  ['dog-park', 'Dogs playing in the park', 'Saturday morning chaos', 'dog park'],
  // bridges
  ['bridge-1', 'Old stone bridge over the river', 'Built in 1602', 'bridge river stone'],
  ['bridge-2', 'Tower Bridge at night', 'London lights', 'bridge london night'],
  ['bridge-3', 'Rope bridge in the jungle', 'Do not look down', 'bridge jungle adventure'],
  ['bridge-4', 'Brooklyn Bridge walk', 'Best view of Manhattan', 'bridge new-york'],
  ['bridge-5', 'Covered wooden bridge', 'Vermont in autumn', 'bridge autumn'],
  ['bridge-game', 'Grandparents playing bridge', 'Thursday card night', 'cards family'],
  // mountains and lakes
  ['mlake-1', 'Mountain lake at sunrise', 'Perfect reflection of the peaks', 'mountain lake sunrise'],
  ['mlake-2', 'Crystal clear mountain lake', 'Hiked four hours to get here', 'mountain lake hiking'],
  ['mlake-3', 'Lake below the mountain', 'Camping by the water', 'lake mountain camping'],
  ['mlake-4', 'Alpine lake', 'Turquoise water under snowy mountain peaks', 'lake alps'],
  ['mountain-1', 'Mountain summit', 'Above the clouds', 'mountain hiking'],
  ['mountain-2', 'Snow on the mountain', 'First snow of the year', 'mountain snow'],
  ['lake-city', 'Lake in the city park', 'Ducks and joggers', 'lake park city'],
  ['lake-private', 'Mountain lake with family', '', 'mountain lake family', 'private'],
  // beaches and sunsets
  ['sbeach-1', 'Sunset at the beach', 'The sky went pink for ten minutes', 'sunset beach'],
  ['sbeach-2', 'Beach sunset in Bali', 'Surfers heading in', 'beach sunset surf'],
  ['sbeach-3', 'Sunset over the beach', 'Last day of the holiday', 'sunset beach holiday'],
  ['sbeach-4', 'Couple walking on the beach at sunset', '', 'beach sunset people'],
  ['sunset-harbour', 'Sunset over the harbour', 'Fishing boats coming home', 'sunset harbour boats'],
  ['sunset-city', 'Sunset behind the skyline', '', 'sunset city skyline'],
  ['beach-volley', 'Beach volleyball', 'Tournament final', 'beach sport'],
  ['beach-morning', 'Empty beach in the morning', 'Nobody around at 6am', 'beach morning'],
  ['sunset-desert', 'Desert sunset', 'Dunes glowing red', 'sunset desert'],
  // new york
  ['ny-1', 'New York skyline from the Empire State', 'Clear day, endless view', 'new-york skyline city'],
  ['ny-2', 'Manhattan skyline at dusk', 'From a Brooklyn rooftop', 'new-york skyline'],
  ['ny-3', 'New York skyline reflected in the river', '', 'new-york skyline river'],
  ['ny-4', 'Times Square at night', 'New York never sleeps', 'new-york night city'],
  ['ny-5', 'Yellow cab in New York', '', 'new-york taxi street'],
  ['skyline-chicago', 'Chicago skyline', 'From the lakefront', 'skyline chicago city'],
  ['new-shoes', 'New shoes for the marathon', 'Ready for race day', 'running shoes'],
  // eiffel / paris
  ['eiffel-1', 'Eiffel Tower at night', 'The sparkle show at 10pm', 'paris eiffel-tower night'],
  ['eiffel-2', 'Eiffel Tower lit up at night', 'From the Trocadéro', 'paris eiffel-tower night lights'],
  ['eiffel-3', 'Eiffel Tower in the morning', 'Before the crowds', 'paris eiffel-tower morning'],
  ['paris-night', 'Paris streets at night', 'Rain on the cobblestones', 'paris night street'],
  ['tower-night', 'Clock tower at night', 'Old town square', 'tower night'],
  // cars
  ['car-1', 'Vintage red car', '1965 convertible at the car show', 'car vintage red'],
  ['car-2', 'Red sports car', 'Parked outside the hotel', 'car red sports'],
  ['car-3', 'Classic car show', 'Chrome everywhere', 'car vintage show'],
  ['car-4', 'Old red car rusting in a field', '', 'car rust red'],
  ['red-door', 'Red door in the old town', '', 'door red architecture'],
  ['car-blue', 'Blue vintage car', 'Restored by my uncle', 'car vintage blue'],
  // weddings
  ['wedding-1', 'Wedding ceremony in the garden', 'Anna and Tom said yes', 'wedding ceremony'],
  ['wedding-2', 'First dance at the wedding', '', 'wedding dance'],
  ['wedding-3', 'Wedding cake with roses', 'Four tiers of lemon sponge', 'wedding cake'],
  ['wedding-4', 'Bride and groom at sunset', 'Our wedding day', 'wedding couple sunset'],
  ['wedding-ring', 'Wedding rings', '', 'wedding rings detail'],
  // birthday cakes
  ['bcake-1', 'Birthday cake with candles', 'Happy 30th Sara', 'birthday cake candles'],
  ['bcake-2', 'Chocolate birthday cake', 'Baked it myself', 'birthday cake chocolate'],
  ['bcake-3', 'Kids birthday party', 'The unicorn cake was a hit', 'birthday party kids cake'],
  ['birthday-balloons', 'Birthday balloons', '', 'birthday balloons party'],
  ['cake-shop', 'Cakes in the bakery window', '', 'cake bakery'],
  // portraits
  ['old-man-1', 'Portrait of an old man', 'My grandfather on his 90th birthday', 'portrait people elderly'],
  ['old-man-2', 'Old man reading the newspaper', 'Street portrait in Lisbon', 'portrait street people'],
  ['old-man-3', 'Fisherman portrait', 'An old man who has fished this coast for sixty years', 'portrait fisherman'],
  ['portrait-woman', 'Portrait of a young woman', 'Natural light by the window', 'portrait people'],
  ['old-town', 'Old town at dawn', '', 'city architecture'],
  // coffee
  ['coffee-1', 'Latte art', 'The barista drew a swan in my coffee', 'coffee cafe'],
  ['coffee-2', 'Coffee beans roasting', '', 'coffee beans'],
  ['coffee-3', 'Morning coffee on the balcony', '', 'coffee morning'],
  ['coffee-shop', 'Tiny coffee shop in Kyoto', 'Six seats and a cat', 'coffee cafe japan'],
  // street food
  ['food-1', 'Street food market in Bangkok', 'Pad thai for one dollar', 'street-food market bangkok'],
  ['food-2', 'Night market street food', 'Grilled squid and mango sticky rice', 'street-food market night'],
  ['food-3', 'Tacos from a street food stall', '', 'street-food tacos mexico'],
  ['market-flowers', 'Flower market', 'Tulips by the bucket', 'market flowers'],
  ['street-art', 'Street art in Berlin', '', 'street art graffiti'],
  // parks and kids
  ['kids-1', 'Kids playing in the park', 'Finally warm enough', 'kids park playing'],
  ['kids-2', 'Children playing football in the park', '', 'kids football park'],
  ['kids-3', 'Kids on the swings', 'Park playground after school', 'kids playground park'],
  ['park-bench', 'Empty bench in the park', 'Autumn leaves everywhere', 'park autumn'],
  // autumn forest
  ['aforest-1', 'Autumn forest path', 'Red and gold leaves', 'autumn forest leaves'],
  ['aforest-2', 'Misty forest in autumn', '', 'forest autumn mist'],
  ['aforest-3', 'Autumn colours in the forest', 'Maples at their peak', 'autumn forest'],
  ['forest-summer', 'Pine forest in summer', '', 'forest summer'],
  ['autumn-city', 'Autumn in the city', 'Leaves on the tram tracks', 'autumn city'],
  // rainy london
  ['london-1', 'Rainy day in London', 'Umbrellas on Oxford Street', 'london rain street'],
  ['london-2', 'London bus in the rain', 'Red bus, grey sky', 'london bus rain'],
  ['london-3', 'Big Ben on a rainy afternoon', '', 'london rain'],
  ['london-sun', 'Sunny day in London', 'Picnic in Hyde Park', 'london park'],
  // balloons
  ['balloon-1', 'Hot air balloon over Cappadocia', 'Sunrise flight', 'hot-air-balloon cappadocia'],
  ['balloon-2', 'Hot air balloons at the festival', 'Over a hundred of them', 'hot-air-balloon festival'],
  ['balloon-3', 'Hot air balloon ride', 'Looking down at the vineyards', 'hot-air-balloon'],
  ['hot-chocolate', 'Hot chocolate on a cold day', '', 'drink winter'],
  // waterfalls
  ['waterfall-1', 'Waterfall in the forest', 'Long exposure, 2 seconds', 'waterfall forest'],
  ['waterfall-2', 'Skógafoss waterfall', 'Iceland road trip', 'waterfall iceland'],
  ['waterfall-3', 'Hidden waterfall', 'Took a wrong turn and found this', 'waterfall hiking'],
  // tokyo
  ['tokyo-1', 'Tokyo street at night', 'Neon signs in Shinjuku', 'tokyo street night'],
  ['tokyo-2', 'Shibuya crossing at night', 'Tokyo rush hour', 'tokyo night city'],
  ['tokyo-3', 'Quiet street in Tokyo', 'Early morning in Yanaka', 'tokyo street'],
  ['tokyo-temple', 'Temple in Tokyo', '', 'tokyo temple'],
  // lighthouses
  ['lighthouse-1', 'Lighthouse at dusk', '', 'lighthouse coast'],
  ['lighthouse-2', 'Red and white lighthouse', 'Storm coming in', 'lighthouse storm'],
  ['lighthouse-3', 'Lighthouse on the cliffs', 'Cornwall coast path', 'lighthouse cliffs'],
  // flowers
  ['flowers-1', 'Flowers in the garden', 'Mum’s roses are back', 'flowers garden roses'],
  ['flowers-2', 'Spring flowers in the garden', 'Tulips and daffodils', 'flowers garden spring'],
  ['flowers-3', 'Wild flowers in the meadow', '', 'flowers meadow'],
  ['garden-veg', 'Vegetable garden', 'First tomatoes', 'garden vegetables'],
  // aurora
  ['aurora-1', 'Northern lights over Iceland', 'Kp 6 and clear skies', 'aurora northern-lights iceland'],
  ['aurora-2', 'Northern lights in Norway', 'Tromsø, minus twenty', 'aurora northern-lights norway'],
  ['aurora-3', 'Aurora over the cabin', 'Green sky all night', 'aurora night'],
  ['lights-city', 'City lights from the hill', '', 'city night lights'],
  // owners by username
  ['bruno-1', 'Harbour walk', 'Weekend stroll', 'harbour'],
  ['bruno-2', 'Rooftops', '', 'city rooftops'],
];

/** Queries with their judged photos (grade 3, 2 or 1); every other photo is judged 0 for that query. */
export const judgedQueries: Array<{ q: string; grades: Record<string, number> }> = [
  {
    q: 'cat on the sofa',
    grades: {
      'cat-sofa-1': 3, 'cat-sofa-2': 3, 'cat-sofa-3': 3, 'cat-sofa-4': 3, 'cat-sofa-8': 3, 'cat-sofa-9': 3, 'cat-sofa-12': 3, 'cat-sofa-15': 3,
      'cat-sofa-5': 2, 'cat-sofa-6': 2, 'cat-sofa-7': 2, 'cat-sofa-10': 2, 'cat-sofa-11': 2, 'cat-sofa-13': 2, 'cat-sofa-14': 2,
      'dog-sofa': 1, 'cat-garden': 1, 'cat-window': 1,
    },
  },
  { q: 'golden retriever', grades: { 'retriever-1': 3, 'retriever-2': 3, 'retriever-3': 3, 'retriever-4': 2, 'labrador': 1, 'golden-hour': 1 } },
  { q: 'brigde', grades: { 'bridge-1': 3, 'bridge-2': 3, 'bridge-3': 3, 'bridge-4': 3, 'bridge-5': 3, 'golden-gate': 3, 'bridge-game': 1 } },
  { q: 'mountian lake', grades: { 'mlake-1': 3, 'mlake-2': 3, 'mlake-3': 3, 'mlake-4': 2, 'mountain-1': 1, 'mountain-2': 1, 'lake-city': 1 } },
  { q: 'sunset at the beach', grades: { 'sbeach-1': 3, 'sbeach-2': 3, 'sbeach-3': 3, 'sbeach-4': 3, 'wedding-4': 1, 'sunset-harbour': 1, 'beach-morning': 1 } },
  { q: 'new york skyline', grades: { 'ny-1': 3, 'ny-2': 3, 'ny-3': 3, 'ny-4': 1, 'ny-5': 1, 'skyline-chicago': 1, 'sunset-city': 1 } },
  { q: 'eiffel tower at night', grades: { 'eiffel-1': 3, 'eiffel-2': 3, 'eiffel-3': 2, 'paris-night': 1, 'tower-night': 1 } },
  { q: 'red vintage car', grades: { 'car-1': 3, 'car-4': 2, 'car-2': 2, 'car-3': 2, 'car-blue': 2, 'red-door': 0 } },
  { q: 'wedding', grades: { 'wedding-1': 3, 'wedding-2': 3, 'wedding-3': 3, 'wedding-4': 3, 'wedding-ring': 3 } },
  { q: 'birthday cake', grades: { 'bcake-1': 3, 'bcake-2': 3, 'bcake-3': 2, 'wedding-3': 1, 'birthday-balloons': 1, 'cake-shop': 1 } },
  { q: 'portrait of an old man', grades: { 'old-man-1': 3, 'old-man-2': 3, 'old-man-3': 3, 'portrait-woman': 1 } },
  { q: 'coff', grades: { 'coffee-1': 3, 'coffee-2': 3, 'coffee-3': 3, 'coffee-shop': 3, 'cat-sofa-10': 2 } },
  { q: 'street food market', grades: { 'food-1': 3, 'food-2': 3, 'food-3': 2, 'market-flowers': 1, 'street-art': 0 } },
  { q: 'kids playing in the park', grades: { 'kids-1': 3, 'kids-2': 3, 'kids-3': 2, 'dog-park': 1, 'bcake-3': 1 } },
  { q: 'autumn forest', grades: { 'aforest-1': 3, 'aforest-2': 3, 'aforest-3': 3, 'forest-summer': 1, 'autumn-city': 1, 'park-bench': 1, 'waterfall-1': 1 } },
  { q: 'rainy day in london', grades: { 'london-1': 3, 'london-3': 3, 'london-2': 2, 'london-sun': 1, 'paris-night': 1 } },
  { q: 'hot air balloon', grades: { 'balloon-1': 3, 'balloon-2': 3, 'balloon-3': 3, 'birthday-balloons': 1 } },
  { q: 'waterfal', grades: { 'waterfall-1': 3, 'waterfall-2': 3, 'waterfall-3': 3 } },
  { q: 'tokyo street at night', grades: { 'tokyo-1': 3, 'tokyo-2': 2, 'tokyo-3': 2, 'paris-night': 1, 'ny-4': 1, 'tokyo-temple': 1 } },
  { q: 'ligthouse', grades: { 'lighthouse-1': 3, 'lighthouse-2': 3, 'lighthouse-3': 3 } },
  { q: 'flowers in the garden', grades: { 'flowers-1': 3, 'flowers-2': 3, 'flowers-3': 2, 'garden-veg': 1, 'market-flowers': 1, 'cat-garden': 1 } },
  { q: 'northern lights', grades: { 'aurora-1': 3, 'aurora-2': 3, 'aurora-3': 2, 'lights-city': 0 } },
  { q: 'bruno', grades: { 'bruno-1': 3, 'bruno-2': 3 } },
];

/** Everyday photos about none of the queries, so the judged ones sit among a realistic crowd. */
const fillerSubjects = ['bicycle', 'teapot', 'piano', 'violin', 'notebook', 'lantern', 'staircase', 'umbrella', 'guitar', 'typewriter', 'chessboard', 'kayak', 'tram', 'windmill', 'barn', 'tractor', 'pumpkin', 'cactus', 'lemon', 'sailboat'];
const fillerMoods = ['Quiet', 'Dusty', 'Shiny', 'Broken', 'Tiny', 'Giant', 'Yellow', 'Forgotten'];
const fillerPlaces = ['lisbon', 'prague', 'oslo', 'vienna', 'porto', 'hanoi', 'lima', 'quito'];
const fillerNotes = ['Shot on film', 'Phone snapshot', 'Taken during a weekend trip', 'Found this on a walk', 'Ten second exposure', 'Just because'];

const owners = ['alice', 'chen_wei', 'dara', 'elif', 'farah'];
const start = Date.UTC(2025, 2, 1);
const hour = 3_600_000;

/** A stable spread of upload times that has nothing to do with relevance (the engines break ties newest first). */
const uploadedAt = (key: string) => {
  let hash = 2166136261;
  for (const char of key) hash = Math.imul(hash ^ char.charCodeAt(0), 16777619) >>> 0;
  return start + (hash % 5_000) * hour;
};

function toDocument([key, title, description, tags, visibility]: Photo, index: number): SearchDocument {
  const owner = key.startsWith('bruno-') ? 'bruno' : (owners[index % owners.length] as string);
  const tagList = tags.split(' ');
  return {
    id: key,
    title,
    description,
    tags: tagList,
    userTags: tagList,
    machineTags: [],
    ownerId: `owner-${owner}`,
    ownerUsername: owner,
    visibility: visibility ?? 'public',
    colors: [],
    orientation: index % 3 === 0 ? 'portrait' : 'landscape',
    width: 1600,
    height: 1200,
    likeCount: index % 17,
    createdAt: uploadedAt(key),
  };
}

export function relevanceCorpus(): { judged: SearchDocument[]; filler: SearchDocument[] } {
  const judged = photos.map(toDocument);
  const filler: SearchDocument[] = [];
  for (const [s, subject] of fillerSubjects.entries()) {
    for (let n = 0; n < 9; n += 1) {
      const mood = fillerMoods[(s + n) % fillerMoods.length] as string;
      const place = fillerPlaces[(s * 3 + n) % fillerPlaces.length] as string;
      const note = fillerNotes[(s + 2 * n) % fillerNotes.length] as string;
      filler.push(toDocument([`filler-${subject}-${n}`, `${mood} ${subject} in ${place[0]?.toUpperCase()}${place.slice(1)}`, note, `${subject} ${place}`], s * 9 + n));
    }
  }
  return { judged, filler };
}
