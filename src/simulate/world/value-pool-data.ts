/**
 * The simulator's payload values, as plain data: one training pool and one evaluation pool per field,
 * with no value shared between them, so a model scored on evaluation traffic has never seen its values.
 *
 * NOTE FOR THE REDACTOR: nothing under `src/curate/` (or any detector) may import these lists. The
 * simulator plants these values so a redactor can be scored; a detector that knew the lists would score
 * itself on its own answer key. Keep the two worlds apart.
 *
 * Every name list mixes origins (English, German, French, Spanish, Indian, Chinese, Arabic, Nigerian,
 * Brazilian, Japanese, Nordic, Polish, Italian, Irish, Ghanaian) so a detector tuned to one culture shows up.
 */

/** One city with the shape of its postcodes: `#` is a digit, `A` an upper-case letter, anything else literal. */
export interface CityEntry {
  city: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
  postcodeFormat: string;
  /** State or region code written in addresses where locals write one (US states, Brazilian states). */
  region?: string;
}

export interface StreetEntry {
  /** The street's name without a house number, as locals write it. */
  street: string;
  /** ISO 3166-1 alpha-2: streets are written in their own country's language and order. */
  country: string;
}

export interface ProductEntry {
  name: string;
  category: string;
  priceCents: number;
}

export interface PoolData {
  firstNames: readonly string[];
  lastNames: readonly string[];
  companies: readonly string[];
  cities: readonly CityEntry[];
  streets: readonly StreetEntry[];
  products: readonly ProductEntry[];
  emailDomains: readonly string[];
  productCategories: readonly string[];
}

export const trainPoolData: PoolData = {
  firstNames: [
    'James', 'Emily', 'Oliver', 'Charlotte', 'Daniel', 'Sarah', 'Michael', 'Jessica', 'Thomas', 'Laura',
    'Lukas', 'Hannah', 'Felix', 'Greta', 'Jürgen', 'Mathieu', 'Camille', 'Antoine', 'Léa', 'Hugo',
    'Manon', 'Javier', 'Lucía', 'Mateo', 'Carmen', 'Diego', 'Elena', 'Arjun', 'Priya', 'Rohan',
    'Ananya', 'Ravi', 'Deepa', 'Wei', 'Mei', 'Jun', 'Xiulan', 'Hao', 'Omar', 'Layla',
    'Karim', 'Fatima', 'Ahmed', 'Yasmin', 'Chinedu', 'Ngozi', 'Emeka', 'Adaeze', 'Tunde', 'Funmilayo',
    'João', 'Ana', 'Thiago', 'Beatriz', 'Gabriel', 'Larissa', 'Kenji', 'Yuki', 'Sven', 'Ingrid',
    'Piotr', 'Agnieszka', 'Giulia', 'Marco', 'Niamh', 'Seán', 'Aisha', 'Kwame', 'Noah', 'Sophie',
  ],
  lastNames: [
    'Smith', 'Johnson', 'Williams', 'Brown', 'Taylor', 'Wilson', 'Anderson', 'Thompson', 'Clarke', "O'Brien",
    'Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Becker', 'Hoffmann', 'Dubois', 'Martin', 'Bernard',
    'Lefebvre', 'Moreau', 'Girard', 'Fontaine', 'García', 'Rodríguez', 'Martínez', 'López', 'Sánchez', 'Fernández',
    'Gómez', 'Sharma', 'Patel', 'Gupta', 'Iyer', 'Reddy', 'Nair', 'Menon', 'Wang', 'Zhang',
    'Liu', 'Chen', 'Huang', 'Zhao', 'Haddad', 'Khalil', 'Mansour', 'Nasser', 'Saleh', 'Aziz',
    'Okafor', 'Adeyemi', 'Okonkwo', 'Balogun', 'Eze', 'Nwosu', 'Silva', 'Santos', 'Oliveira', 'Souza',
    'Costa', 'Pereira', 'Tanaka', 'Suzuki', 'Johansson', 'Nowak', 'Kowalski', 'Rossi', 'Russo', 'Mensah',
  ],
  companies: [
    'Northwind Logistics', 'Brightwater Analytics', 'Kestrel Home Goods', 'Alder & Finch', 'Bluepeak Software',
    'Harbourline Freight', 'Meridian Dental Group', 'Sunfield Organics', 'Quantara Systems', 'Redwood Outfitters',
    'Lumen Insurance', 'Copperleaf Studio', 'Stonebridge Capital', 'Vireo Health', 'Tidewell Energy',
    'Pinecrest Tutoring', 'Halcyon Travel', 'Ironbark Tools', 'Solenne Cosmetique', 'Bergmann Feinkost',
    'Casa Almendro', 'Saffron Route Foods', 'Lotus Bay Electronics', 'Ikenga Textiles',
  ],
  cities: [
    { city: 'New York', country: 'US', postcodeFormat: '100##', region: 'NY' },
    { city: 'Chicago', country: 'US', postcodeFormat: '606##', region: 'IL' },
    { city: 'Seattle', country: 'US', postcodeFormat: '981##', region: 'WA' },
    { city: 'Austin', country: 'US', postcodeFormat: '787##', region: 'TX' },
    { city: 'Manchester', country: 'GB', postcodeFormat: 'M# #AA' },
    { city: 'Leeds', country: 'GB', postcodeFormat: 'LS# #AA' },
    { city: 'Bristol', country: 'GB', postcodeFormat: 'BS# #AA' },
    { city: 'Berlin', country: 'DE', postcodeFormat: '10###' },
    { city: 'München', country: 'DE', postcodeFormat: '80###' },
    { city: 'Köln', country: 'DE', postcodeFormat: '50###' },
    { city: 'Lyon', country: 'FR', postcodeFormat: '6900#' },
    { city: 'Paris', country: 'FR', postcodeFormat: '750##' },
    { city: 'Toulouse', country: 'FR', postcodeFormat: '3100#' },
    { city: 'Bengaluru', country: 'IN', postcodeFormat: '560###' },
    { city: 'Mumbai', country: 'IN', postcodeFormat: '400###' },
    { city: 'São Paulo', country: 'BR', postcodeFormat: '0####-###', region: 'SP' },
    { city: 'Belo Horizonte', country: 'BR', postcodeFormat: '30###-###', region: 'MG' },
    { city: 'Amsterdam', country: 'NL', postcodeFormat: '10## AA' },
    { city: 'Utrecht', country: 'NL', postcodeFormat: '35## AA' },
    { city: 'Madrid', country: 'ES', postcodeFormat: '280##' },
    { city: 'Valencia', country: 'ES', postcodeFormat: '460##' },
    { city: 'Milano', country: 'IT', postcodeFormat: '201##' },
    { city: 'Bruxelles', country: 'BE', postcodeFormat: '10#0' },
  ],
  streets: [
    { street: 'Maple Avenue', country: 'US' }, { street: 'Lincoln Street', country: 'US' },
    { street: 'Cedar Lane', country: 'US' }, { street: 'Sunset Boulevard', country: 'US' },
    { street: 'High Street', country: 'GB' }, { street: 'Station Road', country: 'GB' },
    { street: 'Church Lane', country: 'GB' }, { street: 'Victoria Road', country: 'GB' },
    { street: 'Hauptstraße', country: 'DE' }, { street: 'Schillerstraße', country: 'DE' },
    { street: 'Gartenweg', country: 'DE' }, { street: 'Lindenallee', country: 'DE' },
    { street: 'rue de la République', country: 'FR' }, { street: 'avenue Jean Jaurès', country: 'FR' },
    { street: 'rue Victor Hugo', country: 'FR' }, { street: 'boulevard Pasteur', country: 'FR' },
    { street: 'MG Road', country: 'IN' }, { street: 'Nehru Nagar Main Road', country: 'IN' },
    { street: 'Residency Road', country: 'IN' },
    { street: 'Rua das Flores', country: 'BR' }, { street: 'Avenida Paulista', country: 'BR' },
    { street: 'Rua Sete de Setembro', country: 'BR' },
    { street: 'Kerkstraat', country: 'NL' }, { street: 'Dorpsstraat', country: 'NL' },
    { street: 'Prinsengracht', country: 'NL' },
    { street: 'Calle Mayor', country: 'ES' }, { street: 'Avenida de la Constitución', country: 'ES' },
    { street: 'Calle del Sol', country: 'ES' },
    { street: 'Via Roma', country: 'IT' }, { street: 'Via Giuseppe Garibaldi', country: 'IT' },
    { street: 'Rue Neuve', country: 'BE' }, { street: 'Avenue Louise', country: 'BE' },
  ],
  products: [
    { name: 'Trailblazer Hiking Boots', category: 'footwear', priceCents: 12999 },
    { name: 'Breeze Running Shoes', category: 'footwear', priceCents: 8950 },
    { name: 'Aurora Desk Lamp', category: 'home', priceCents: 3499 },
    { name: 'Nimbus Memory Pillow', category: 'home', priceCents: 4500 },
    { name: 'Pulse Wireless Earbuds', category: 'electronics', priceCents: 7999 },
    { name: 'Volt 65W USB-C Charger', category: 'electronics', priceCents: 2999 },
    { name: 'Orbit Smartwatch S2', category: 'electronics', priceCents: 19900 },
    { name: 'Summit Insulated Bottle', category: 'outdoor', priceCents: 2495 },
    { name: 'Ridge 2-Person Tent', category: 'outdoor', priceCents: 15900 },
    { name: 'Harvest Granola (1 kg)', category: 'grocery', priceCents: 899 },
    { name: 'Origin Espresso Beans', category: 'grocery', priceCents: 1650 },
    { name: 'Linen Duvet Cover', category: 'home', priceCents: 8900 },
    { name: 'Everyday Cotton Tee', category: 'apparel', priceCents: 1900 },
    { name: 'Coastline Rain Jacket', category: 'apparel', priceCents: 11900 },
    { name: 'Sprout Kids Backpack', category: 'kids', priceCents: 3999 },
    { name: 'Tinker Building Blocks', category: 'kids', priceCents: 4999 },
    { name: 'Glow Vitamin C Serum', category: 'beauty', priceCents: 2800 },
    { name: 'Cast Iron Skillet 26cm', category: 'kitchen', priceCents: 4200 },
    { name: 'Precision Chef Knife', category: 'kitchen', priceCents: 6900 },
    { name: 'Paperback Planner 2027', category: 'stationery', priceCents: 1499 },
  ],
  emailDomains: [
    'gmail.com', 'yahoo.com', 'hotmail.co.uk', 'web.de', 'orange.fr', 'libero.it', 'rediffmail.com',
    'uol.com.br', 'ziggo.nl', 'telefonica.net', 'icloud.com', 'northwind-logistics.com', 'bluepeak.io',
  ],
  productCategories: [
    'footwear', 'home', 'electronics', 'outdoor', 'grocery', 'apparel', 'kids', 'beauty', 'kitchen', 'stationery',
  ],
};

export const evalPoolData: PoolData = {
  firstNames: [
    'William', 'Grace', 'Henry', 'Amelia', 'Benjamin', 'Rachel', 'Christopher', 'Megan', 'Andrew', 'Natalie',
    'Jonas', 'Lena', 'Maximilian', 'Frieda', 'Käthe', 'Julien', 'Chloé', 'Étienne', 'Amélie', 'Louis',
    'Inès', 'Alejandro', 'Sofía', 'Pablo', 'Valentina', 'Carlos', 'Marta', 'Vikram', 'Kavya', 'Aditya',
    'Meera', 'Sanjay', 'Lakshmi', 'Jing', 'Lei', 'Yan', 'Xin', 'Ming', 'Tariq', 'Noor',
    'Youssef', 'Huda', 'Hassan', 'Mariam', 'Oluwaseun', 'Chiamaka', 'Ikechukwu', 'Folake', 'Babajide', 'Yetunde',
    'Rafael', 'Camila', 'Lucas', 'Fernanda', 'Matheus', 'Juliana', 'Haruto', 'Sakura', 'Erik', 'Astrid',
    'Tomasz', 'Katarzyna', 'Francesca', 'Luca', 'Ciara', 'Pádraig', 'Zainab', 'Kofi', 'Samuel', 'Isabelle',
  ],
  lastNames: [
    'Jones', 'Davies', 'Evans', 'Roberts', 'Walker', 'Wright', 'Harris', 'Robinson', 'Murphy', 'McCarthy',
    'Wagner', 'Koch', 'Richter', 'Klein', 'Wolf', 'Zimmermann', 'Schäfer', 'Laurent', 'Simon', 'Michel',
    'Roux', 'Fournier', 'Chevalier', 'Mercier', 'Hernández', 'Díaz', 'Moreno', 'Álvarez', 'Romero', 'Ruiz',
    'Navarro', 'Verma', 'Singh', 'Kumar', 'Desai', 'Kapoor', 'Pillai', 'Joshi', 'Yang', 'Wu',
    'Zhou', 'Xu', 'Sun', 'Lin', 'Hussein', 'Ibrahim', 'Abdullah', 'Farouk', 'Qureshi', 'Rahman',
    'Obi', 'Adebayo', 'Chukwu', 'Olawale', 'Okeke', 'Oyelaran', 'Almeida', 'Ribeiro', 'Carvalho', 'Gomes',
    'Barbosa', 'Araújo', 'Yamamoto', 'Nakamura', 'Lindqvist', 'Wiśniewski', 'Lewandowski', 'Bianchi', 'Romano', 'Owusu',
  ],
  companies: [
    'Southgate Couriers', 'Clearpoint Metrics', 'Wren Furnishings', 'Birch & Holloway', 'Greyfin Labs',
    'Portmere Shipping', 'Evergreen Clinics', 'Meadowlark Farms', 'Parallax Data', 'Cobalt Ridge Apparel',
    'Beacon Mutual', 'Inkwell Design', 'Granite Harbor Partners', 'Helio Wellness', 'Riverstone Power',
    'Brightpath Learning', 'Wayfarer Holidays', 'Anvil Hardware', 'Maison Verlaine', 'Hofmann Backwaren',
    'Olivar del Sur', 'Monsoon Kitchen', 'Jade Harbour Devices', 'Adire Collective',
  ],
  cities: [
    { city: 'Boston', country: 'US', postcodeFormat: '021##', region: 'MA' },
    { city: 'Denver', country: 'US', postcodeFormat: '802##', region: 'CO' },
    { city: 'Atlanta', country: 'US', postcodeFormat: '303##', region: 'GA' },
    { city: 'San Diego', country: 'US', postcodeFormat: '921##', region: 'CA' },
    { city: 'Birmingham', country: 'GB', postcodeFormat: 'B## #AA' },
    { city: 'Glasgow', country: 'GB', postcodeFormat: 'G# #AA' },
    { city: 'Liverpool', country: 'GB', postcodeFormat: 'L# #AA' },
    { city: 'Hamburg', country: 'DE', postcodeFormat: '20###' },
    { city: 'Frankfurt am Main', country: 'DE', postcodeFormat: '60###' },
    { city: 'Stuttgart', country: 'DE', postcodeFormat: '70###' },
    { city: 'Marseille', country: 'FR', postcodeFormat: '130##' },
    { city: 'Bordeaux', country: 'FR', postcodeFormat: '3300#' },
    { city: 'Lille', country: 'FR', postcodeFormat: '5900#' },
    { city: 'Chennai', country: 'IN', postcodeFormat: '600###' },
    { city: 'Hyderabad', country: 'IN', postcodeFormat: '500###' },
    { city: 'Rio de Janeiro', country: 'BR', postcodeFormat: '2####-###', region: 'RJ' },
    { city: 'Curitiba', country: 'BR', postcodeFormat: '8####-###', region: 'PR' },
    { city: 'Rotterdam', country: 'NL', postcodeFormat: '30## AA' },
    { city: 'Den Haag', country: 'NL', postcodeFormat: '25## AA' },
    { city: 'Barcelona', country: 'ES', postcodeFormat: '080##' },
    { city: 'Sevilla', country: 'ES', postcodeFormat: '410##' },
    { city: 'Torino', country: 'IT', postcodeFormat: '101##' },
    { city: 'Antwerpen', country: 'BE', postcodeFormat: '20#0' },
  ],
  streets: [
    { street: 'Oak Street', country: 'US' }, { street: 'Washington Avenue', country: 'US' },
    { street: 'Pine Ridge Drive', country: 'US' }, { street: 'Elm Court', country: 'US' },
    { street: 'Mill Lane', country: 'GB' }, { street: 'Queens Road', country: 'GB' },
    { street: 'Park Avenue', country: 'GB' }, { street: 'Albert Street', country: 'GB' },
    { street: 'Bahnhofstraße', country: 'DE' }, { street: 'Goethestraße', country: 'DE' },
    { street: 'Birkenweg', country: 'DE' }, { street: 'Am Markt', country: 'DE' },
    { street: 'rue des Lilas', country: 'FR' }, { street: 'avenue de la Gare', country: 'FR' },
    { street: 'rue du Moulin', country: 'FR' }, { street: 'place de la Liberté', country: 'FR' },
    { street: 'Anna Salai', country: 'IN' }, { street: 'Banjara Hills Road No. 12', country: 'IN' },
    { street: 'Gandhi Nagar 2nd Cross', country: 'IN' },
    { street: 'Rua Augusta', country: 'BR' }, { street: 'Avenida Atlântica', country: 'BR' },
    { street: 'Rua XV de Novembro', country: 'BR' },
    { street: 'Molenweg', country: 'NL' }, { street: 'Stationsplein', country: 'NL' },
    { street: 'Keizersgracht', country: 'NL' },
    { street: 'Calle de Alcalá', country: 'ES' }, { street: 'Paseo de Gracia', country: 'ES' },
    { street: 'Calle Real', country: 'ES' },
    { street: 'Corso Vittorio Emanuele', country: 'IT' }, { street: 'Via Dante', country: 'IT' },
    { street: 'Meir', country: 'BE' }, { street: 'Rue du Midi', country: 'BE' },
  ],
  products: [
    { name: 'Granite Trail Sneakers', category: 'shoes', priceCents: 9450 },
    { name: 'Harbor Leather Loafers', category: 'shoes', priceCents: 13500 },
    { name: 'Halo Floor Lamp', category: 'lighting', priceCents: 8999 },
    { name: 'Ember String Lights', category: 'lighting', priceCents: 1899 },
    { name: 'Echo Noise-Cancelling Headphones', category: 'audio', priceCents: 24900 },
    { name: 'Ripple Bluetooth Speaker', category: 'audio', priceCents: 5999 },
    { name: 'Vertex Mechanical Keyboard', category: 'computing', priceCents: 11999 },
    { name: 'Flux Portable SSD 1TB', category: 'computing', priceCents: 8900 },
    { name: 'Tundra Down Sleeping Bag', category: 'camping', priceCents: 17900 },
    { name: 'Canyon Trekking Poles', category: 'camping', priceCents: 4950 },
    { name: 'Wildflower Honey 500 g', category: 'pantry', priceCents: 1199 },
    { name: 'Stoneground Rye Flour', category: 'pantry', priceCents: 549 },
    { name: 'Merino Crew Sweater', category: 'knitwear', priceCents: 9800 },
    { name: 'Alpaca Wool Scarf', category: 'knitwear', priceCents: 5400 },
    { name: 'Puzzle Globe 500 Pieces', category: 'toys', priceCents: 2299 },
    { name: 'Rocket Balance Bike', category: 'toys', priceCents: 7999 },
    { name: 'Calm Lavender Body Oil', category: 'wellness', priceCents: 2150 },
    { name: 'Cork Yoga Block', category: 'wellness', priceCents: 1800 },
    { name: 'Enamel Dutch Oven 5L', category: 'cookware', priceCents: 15900 },
    { name: 'Bamboo Cutting Board Set', category: 'cookware', priceCents: 3250 },
  ],
  emailDomains: [
    'outlook.com', 'proton.me', 'aol.com', 'gmx.de', 'free.fr', 'virgilio.it', 'yahoo.co.in',
    'bol.com.br', 'kpnmail.nl', 'movistar.es', 'btinternet.com', 'southgate-couriers.com', 'greyfin.dev',
  ],
  productCategories: [
    'lighting', 'audio', 'computing', 'camping', 'pantry', 'knitwear', 'toys', 'wellness', 'cookware', 'shoes',
  ],
};
