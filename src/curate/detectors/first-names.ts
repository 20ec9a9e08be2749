/**
 * A gazetteer of common given names, written for curate and kept independent of the simulator's name pools so
 * that recall measured against the simulator is honest. International on purpose: English, Spanish,
 * Portuguese, French, German, Italian, Dutch, Nordic, Slavic, Greek, Turkish, Arabic, Persian, Indian,
 * Chinese, Japanese, Korean, Vietnamese, African. Stored without diacritics' variants; the detector folds accents.
 */
const firstNameText = `
James John Robert Michael William David Richard Joseph Thomas Charles Christopher Daniel Matthew Anthony Mark
Donald Steven Paul Andrew Joshua Kenneth Kevin Brian George Timothy Ronald Edward Jason Jeffrey Ryan Jacob Gary
Nicholas Eric Jonathan Stephen Larry Justin Scott Brandon Benjamin Samuel Gregory Alexander Frank Patrick
Raymond Jack Dennis Jerry Tyler Aaron Jose Adam Nathan Henry Douglas Zachary Peter Kyle Noah Ethan Jeremy
Walter Christian Keith Roger Terry Austin Sean Gerald Carl Harold Dylan Arthur Lawrence Jordan Jesse Bryan
Billy Bruce Gabriel Joe Logan Albert Willie Alan Eugene Russell Vincent Philip Bobby Johnny Bradley Oliver
Harry Oscar Leo Archie Freddie Theo Alfie Charlie Liam Mason Elijah Lucas Owen Caleb Isaac Luke Hugo Felix
Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Lisa Nancy Betty Margaret Sandra Ashley
Kimberly Emily Donna Michelle Carol Amanda Dorothy Melissa Deborah Stephanie Rebecca Sharon Laura Cynthia Kathleen
Amy Angela Shirley Anna Brenda Pamela Emma Nicole Helen Samantha Katherine Christine Debra Rachel Carolyn Janet
Catherine Maria Heather Diane Ruth Julie Olivia Joyce Virginia Victoria Kelly Lauren Christina Joan Evelyn Judith
Megan Andrea Cheryl Hannah Jacqueline Martha Gloria Teresa Ann Sara Madison Frances Kathryn Janice Jean Abigail
Alice Judy Sophia Grace Denise Amber Doris Marilyn Danielle Beverly Isabella Theresa Diana Natalie Brittany
Charlotte Marie Kayla Alexis Lori Amelia Ava Mia Harper Ella Chloe Lily Zoe Lucy Ruby Freya Isla Poppy Sophie
Jessie Claire Eleanor Florence Matilda Rose Holly Ellie Molly Imogen Phoebe Evie Daisy Abby Jane Kate Lena
Alejandro Carlos Juan Luis Miguel Javier Sergio Pablo Diego Fernando Jorge Alberto Manuel Francisco Antonio Rafael
Ricardo Eduardo Andres Raul Enrique Ramon Alvaro Ignacio Santiago Mateo Sebastian Martin Emilio Gonzalo Rodrigo
Lucia Carmen Isabel Marta Elena Cristina Paula Laura Sofia Valentina Camila Daniela Gabriela Mariana Ximena
Alejandra Fernanda Catalina Julia Pilar Rocio Ines Beatriz Adriana Veronica Raquel Natalia Silvia Monica Lorena
Joao Pedro Tiago Rui Nuno Bruno Thiago Gustavo Felipe Vinicius Leonardo Matheus Guilherme Henrique Caio Rafaela
Ana Beatriz Leticia Larissa Juliana Bianca Fernanda Patricia Luana Yasmin Aline Vitoria Clara Helena Alice
Jean Pierre Louis Jacques Michel Philippe Alain Nicolas Francois Julien Mathieu Antoine Guillaume Olivier
Sebastien Christophe Vincent Laurent Thierry Pascal Benoit Remi Yann Theo Hugo Maxime Quentin Baptiste Arnaud
Camille Manon Chloe Lea Ines Margaux Juliette Pauline Aurelie Celine Nathalie Sandrine Sylvie Isabelle Amelie
Mathilde Elodie Claire Sophie Anais Oceane Margot Louise Adele Josephine Victoire Colette Brigitte Simone
Hans Klaus Jurgen Dieter Wolfgang Uwe Stefan Andreas Markus Thomas Frank Jens Tobias Florian Lukas Jonas Leon
Maximilian Felix Niklas Moritz Fabian Tim Jan Paul Ben Finn Emil Anton Karl Friedrich Heinrich Otto Ludwig
Ursula Monika Petra Sabine Claudia Susanne Andrea Stefanie Katrin Anja Birgit Heike Julia Lisa Lena Lea Hanna
Mia Emilia Marie Johanna Greta Frieda Ida Klara Mathilda Katharina Franziska Annika Leonie Jana Kathe Gisela
Giuseppe Giovanni Francesco Marco Luca Alessandro Andrea Matteo Lorenzo Davide Simone Riccardo Stefano Roberto
Massimo Fabio Federico Gianluca Paolo Salvatore Vincenzo Domenico Emanuele Tommaso Leonardo Edoardo Pietro
Giulia Francesca Chiara Sara Martina Giorgia Alessia Federica Elisa Valentina Silvia Eleonora Beatrice Aurora
Ginevra Greta Noemi Rosa Lucia Anna Giovanna Serena Roberta Paola Simona Antonella Daniela Ilaria Arianna
Daan Sem Bram Lars Ruben Thijs Jesse Sven Joost Pieter Willem Koen Sanne Femke Anouk Lotte Fleur Eva Noor Tess
Erik Nils Anders Per Magnus Olof Henrik Fredrik Johan Mikael Bjorn Gustav Axel Oskar Astrid Ingrid Sigrid
Karin Freja Elsa Saga Maja Linnea Ebba Frida Sofie Signe Liv Nora Thea Solveig Mette Kirsten Birgitte
Ivan Dmitri Sergei Alexei Nikolai Vladimir Pavel Andrei Mikhail Yuri Oleg Igor Boris Anastasia Olga Tatiana
Natasha Svetlana Irina Ekaterina Yulia Ksenia Darya Polina Piotr Tomasz Krzysztof Marcin Michal Pawel Agnieszka
Katarzyna Magdalena Malgorzata Zofia Jakub Wojciech Milan Tomas Jiri Petr Zuzana Eszter Zsofia Bence Levente
Georgios Dimitrios Konstantinos Nikos Yannis Eleni Katerina Maria Sofia Despina Mehmet Mustafa Ahmet Ali Emre
Murat Burak Can Elif Zeynep Ayse Fatma Emine Merve Ece Deniz
Mohammed Muhammad Ahmed Ahmad Omar Hassan Hussein Ibrahim Youssef Yusuf Khalid Tariq Karim Samir Nabil Rami
Walid Ziad Hamza Bilal Faisal Abdullah Mahmoud Mustafa Fatima Aisha Layla Leila Noor Nour Mariam Maryam Salma
Yasmin Zainab Amira Rania Huda Hana Dina Lina Rana Samira Farah Reza Ali Amir Dariush Parisa Shirin Niloufar
Arjun Rahul Rohan Vikram Amit Ankit Sanjay Suresh Ramesh Rajesh Vijay Anil Sunil Arun Karan Aditya Aarav Vivaan
Ishaan Krishna Ravi Deepak Manish Nikhil Siddharth Varun Harsh Priya Ananya Aditi Divya Kavya Lakshmi Meera
Neha Pooja Riya Shreya Sneha Anjali Deepika Sunita Anita Kavita Nisha Radha Sita Geeta Aishwarya Isha Tanvi
Wei Jing Li Ming Hui Yan Xin Lei Jun Hao Jie Yu Chen Fang Ling Mei Xiu Yun Lan Qiang Bo Tao Hong Feng
Hiroshi Takashi Kenji Yuki Haruto Sota Ren Riku Kaito Daiki Sakura Yui Aoi Hina Mei Haruka Yuna Akiko Keiko
Naoko Emi Aiko Minji Jiwoo Seoyeon Jiho Minjun Seojun Jisoo Hyun Sung Eun Joon Jae Ji Hoa Linh Minh Anh Thu
Duc Tuan Nam Lan Mai Huong Trang
Chinedu Emeka Oluwaseun Tunde Adebayo Kwame Kofi Kwabena Ama Abena Folake Ngozi Chiamaka Amara Zuri Thandiwe
Sipho Themba Lerato Nomvula Tendai Wanjiru Achieng Otieno Kamau Baraka Fatou Aminata Moussa Mamadou Ousmane
`;

function foldAccents(value: string): string {
  return value.normalize('NFD').replace(/\p{M}/gu, '');
}

/** Lower-cased, accent-folded given names. */
export const firstNames: ReadonlySet<string> = new Set(
  firstNameText.split(/\s+/).filter((name) => name.length > 0).map((name) => foldAccents(name).toLowerCase()),
);

/** Whether `word` is a known given name, ignoring case and accents (`Inès` matches `Ines`). */
export function isKnownFirstName(word: string): boolean {
  return firstNames.has(foldAccents(word).toLowerCase());
}
