/**
 * The vocabulary surrogates are drawn from: given names, family names and town names of many origins, and
 * public email domains. Written for the redactor and kept apart from the detector's gazetteer and the
 * simulator's pools, so a surrogate says nothing about either.
 */

function words(text: string): readonly string[] {
  return text.split(/\s+/).filter((word) => word.length > 0);
}

/** Given names: English, Spanish, Portuguese, French, German, Italian, Dutch, Nordic, Slavic, Greek, Turkish, Arabic, Persian, Indian, East Asian, African. */
export const fakeFirstNames = words(`
Abigail Adrian Agnes Aidan Alana Albin Aldo Alexa Alfonso Alina Alma Amara Ambrose Amira Anders Angus Anika Ansel
Arlo Astrid Aurelio Ayla Basil Beatrix Benedikt Bernadette Bettina Blaise Bodil Bram Brigid Bruna Calla Calvin
Camille Candela Cassius Cecilia Celeste Cesar Cillian Clemens Colette Conrad Corinna Cosima Dagny Damian Dario
Delphine Desmond Dimitri Dolores Dorian Edith Edmund Eira Elias Elio Eliska Elodie Emeric Enzo Esme Estelle
Eugenia Everett Fabian Fabiola Faye Federico Fenna Filippa Finnegan Flavia Florian Frida Gaspard Gemma Gideon
Gilles Giulia Greta Gunnar Gwen Hamish Hanne Hedda Horatio Ida Ignatius Ilse Imke Ingrid Isidore Ivo Jasper
Joaquim Jolien Jonas Josefine Jules Juno Kasimir Katja Kirsten Lars Leandro Leonie Leopold Liesel Linnea
Lorcan Lorenzo Lotte Luana Lucian Ludovica Magnus Malin Marcel Margit Marit Maxence Merle Milena Mirko Nadia
Nils Noemi Octavia Odile Orla Osvaldo Otto Paloma Perrine Petra Quentin Rafferty Ramona Renske Rolf Romy
Rosalind Rufus Sabine Saskia Severin Sigrid Silvio Solveig Stellan Sunniva Sven Tamsin Tilde Tobias Ulla
Valentin Vera Viggo Wendel Wilhelmina Xavier Yvette Zeno Zofia
Aylin Baran Cem Defne Elif Emre Kerem Selin Tuna Yasemin
Amal Bashir Dalia Farid Hala Jamal Karim Layla Nabil Rania Samir Tariq Yara Zaid
Arash Dariush Farah Kaveh Laleh Navid Parisa Roya Shirin
Aditi Arjun Deepa Gaurav Ishaan Kavya Meera Nikhil Pooja Rohan Sanjay Tanvi Varun Vikram
Akira Daichi Haruka Kenji Mizuki Naoki Rin Sora Takumi Yui
Bao Hanh Khanh Linh Minh Quang Thao Tuan
Chen Jiahui Lihua Mingyu Qiang Xiaoling Yifan Zhiwei
Dong-hyun Eunji Hyejin Jiwoo Minseo Seojun
Abena Chidi Efua Ifeoma Kwame Nia Obinna Ayodele Thandiwe Zuri Kofi Ama Sekou Nandi
Bogdan Dragan Irena Jaroslav Kasia Ludmila Milos Radek Tereza Wojciech Zdenek Oksana Taras
Anastasia Christos Eleni Georgios Ioanna Nikos Spyros
`);

/** Family names of the same spread. */
export const fakeLastNames = words(`
Abernathy Ackerly Ainsworth Alderidge Ashcombe Blackwood Bramwell Carraway Castellan Chadwick Dunmore Eastwick
Fairbanks Fenwick Galloway Hartwell Holloway Kingsley Lockhart Marlowe Northcott Pemberton Radcliffe Rowntree
Sheffield Thornbury Underhill Wainwright Whitcombe Yardley
Aguirre Arce Barrios Bustamante Cabrera Cardenas Cortes Echeverria Espinoza Figueroa Galindo Ibarra Lozano
Maldonado Montoya Navarro Olmedo Paredes Quintero Salazar Santamaria Solis Valdivia Villalobos Zamora
Almeida Amaral Baptista Bezerra Cavalcanti Coelho Esteves Falcao Guimaraes Loureiro Magalhaes Nogueira Peixoto
Queiroz Rebelo Sampaio Teixeira Valadares
Aubert Barthelemy Bonnaud Chevalier Delacroix Duplessis Fontaine Gauthier Lacombe Lemaitre Marchand Picard
Rousseau Tessier Vasseur
Albrecht Baumgartner Brandt Eberhardt Falkenberg Hartmann Kessler Lindner Neumann Reinholt Schaller Vogt
Weidmann Zimmerer
Bellini Caruso Donatelli Fabbri Galli Lombardi Marchetti Moretti Pellegrini Rinaldi Santoro Vitale
Bakker Dekker Hoekstra Jansen Kuiper Meijer Postma Visser Willemsen
Berglund Dahlberg Ekholm Halvorsen Lindqvist Nyberg Sandvik Sundqvist Vestergaard
Dvorak Horvath Kowalczyk Nowakowski Petrovic Sokolov Varga Wisniewski Zielinski Kovalenko
Anagnostou Demetriou Karalis Papadakis Stavrou
Aydin Celik Kaya Ozturk Sahin Yildirim
Haddad Khoury Mansour Nasser Saleh Touma
Ahmadi Farahani Moradi Rahimi Tehrani
Bhatt Chatterjee Deshpande Iyer Kulkarni Menon Nair Rao Reddy Srinivasan
Fujimoto Hayashi Ishikawa Matsuda Nakagawa Okada Sakamoto Takeda
Huang Liang Luo Tang Xu Zheng Zhou
Choi Jung Kang Yoon
Nguyen Pham Tran Vo
Adeyemi Boateng Chukwu Mensah Nwosu Okafor Owusu Diallo Keita Mwangi Banda Dlamini
`);

/** Town names, for the place part of an address. Generic, widespread names that point at no one place. */
export const fakeTownNames = words(`
Ashbury Brookfield Clearwater Dunmore Eastleigh Fairview Glenwood Greenhill Hillcrest Kingsbridge Lakeside
Maplewood Millbrook Newhaven Oakridge Pinecrest Riverside Rosedale Springvale Stonebridge Westbury Woodland
Belmonte Castelnuovo Fontenay Montclair Rosenthal Villanueva Waldheim Bergheim Lindenau Valverde Santa-Clara
`);

/** Street-name words that read naturally after a number or before a street type in most languages. */
export const fakeStreetWords = words(`
Acacia Alder Birch Bluebell Cedar Chestnut Clover Cypress Elm Fern Hawthorn Hazel Heather Holly Juniper
Laurel Lilac Linden Magnolia Maple Meadow Mimosa Myrtle Oak Olive Orchard Poplar Rowan Sage Spruce Sycamore
Thistle Tulip Willow Harbour Mill Station Bridge Market Church Garden Quarry Forge Castle Abbey Chapel
`);

/** Public mail providers: a domain that identifies no employer or person. */
export const publicEmailDomains = words(`
gmail.com outlook.com yahoo.com hotmail.com icloud.com proton.me gmx.de web.de orange.fr free.fr libero.it
yahoo.co.uk btinternet.com uol.com.br terra.com.br rediffmail.com mail.com zoho.com fastmail.com aol.com
`);
