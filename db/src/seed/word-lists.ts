// Words the synthetic data is assembled from. Names are common given and family names; every
// email domain is one reserved for examples (RFC 2606), so no demo address reaches a real inbox.

const BRITISH_FIRST = ['Oliver', 'Amelia', 'George', 'Isla', 'Harry', 'Ava', 'Jack', 'Mia', 'Noah', 'Grace', 'Charlie', 'Freya', 'Thomas', 'Lily', 'James', 'Emily', 'William', 'Sophie', 'Alfie', 'Ella', 'Aisha', 'Mohammed', 'Priya', 'Arjun', 'Zara', 'Ibrahim', 'Chloe', 'Daniel', 'Hannah', 'Rhys', 'Siobhan', 'Callum', 'Megan', 'Liam', 'Niamh', 'Kwame', 'Abena', 'Yusuf', 'Fatima', 'Ethan'];
const BRITISH_LAST = ['Smith', 'Jones', 'Taylor', 'Brown', 'Williams', 'Wilson', 'Johnson', 'Davies', 'Patel', 'Robinson', 'Wright', 'Thompson', 'Evans', 'Walker', 'White', 'Roberts', 'Green', 'Hall', 'Khan', 'Hussain', 'Ahmed', 'Clarke', 'Hughes', 'Lewis', 'Wood', 'Harris', 'Martin', 'Jackson', 'Begum', 'Mensah', 'Campbell', 'Murphy', 'Kelly', 'Shah', 'Ali', 'Cooper', 'Ward', 'Turner', 'Hill', 'Moore'];

/** Given and family names of one naming tradition. */
export interface NamePool {
  first: readonly string[];
  last: readonly string[];
}

export const NAME_POOLS = {
  british: { first: BRITISH_FIRST, last: BRITISH_LAST },
  irish: { first: ['Aoife', 'Conor', 'Saoirse', 'Cian', 'Ciara', 'Oisín', 'Róisín', 'Seán', 'Aisling', 'Darragh'], last: ['Murphy', 'Kelly', 'O’Sullivan', 'Walsh', 'Byrne', 'Ryan', 'O’Brien', 'Doyle', 'McCarthy', 'Gallagher'] },
  french: { first: ['Camille', 'Louis', 'Léa', 'Hugo', 'Chloé', 'Jules', 'Manon', 'Gabriel', 'Inès', 'Arthur', 'Zoé', 'Raphaël'], last: ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau', 'Lefèvre', 'Girard'] },
  german: { first: ['Lukas', 'Mia', 'Leon', 'Hannah', 'Finn', 'Emma', 'Jonas', 'Lena', 'Felix', 'Marie', 'Paul', 'Sophie'], last: ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Hoffmann', 'Schulz', 'Koch', 'Richter'] },
  spanish: { first: ['Lucía', 'Hugo', 'Martina', 'Mateo', 'Sofía', 'Pablo', 'Julia', 'Daniel', 'Valeria', 'Alejandro', 'Paula', 'Javier'], last: ['García', 'Fernández', 'González', 'Rodríguez', 'López', 'Martínez', 'Sánchez', 'Pérez', 'Gómez', 'Martín', 'Ruiz', 'Díaz'] },
  polish: { first: ['Zuzanna', 'Jakub', 'Julia', 'Antoni', 'Maja', 'Jan', 'Zofia', 'Szymon', 'Hanna', 'Łukasz'], last: ['Nowak', 'Kowalski', 'Wiśniewski', 'Wójcik', 'Kowalczyk', 'Kamiński', 'Lewandowski', 'Zieliński', 'Szymański', 'Woźniak'] },
  italian: { first: ['Sofia', 'Leonardo', 'Giulia', 'Francesco', 'Aurora', 'Alessandro', 'Ginevra', 'Lorenzo', 'Beatrice', 'Matteo'], last: ['Rossi', 'Russo', 'Ferrari', 'Esposito', 'Bianchi', 'Romano', 'Colombo', 'Ricci', 'Marino', 'Greco'] },
  american: { first: ['Olivia', 'Liam', 'Emma', 'Noah', 'Ava', 'Elijah', 'Sophia', 'Lucas', 'Isabella', 'Mason', 'Harper', 'Logan', 'Madison', 'Jayden', 'Destiny', 'Carlos'], last: ['Smith', 'Johnson', 'Williams', 'Brown', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez', 'Anderson', 'Washington', 'Nguyen', 'Kim', 'Lee', 'Lopez', 'Hernandez'] },
  indian: { first: ['Aarav', 'Ananya', 'Vihaan', 'Diya', 'Aditya', 'Isha', 'Rohan', 'Kavya', 'Arjun', 'Meera', 'Sai', 'Nisha'], last: ['Sharma', 'Patel', 'Singh', 'Kumar', 'Gupta', 'Reddy', 'Iyer', 'Nair', 'Mehta', 'Das', 'Joshi', 'Rao'] },
  chinese: { first: ['Wei', 'Mei', 'Jun', 'Xin', 'Hao', 'Ling', 'Yu', 'Chen', 'Jia', 'Min'], last: ['Wang', 'Li', 'Zhang', 'Liu', 'Chen', 'Yang', 'Huang', 'Zhao', 'Wu', 'Lim', 'Tan', 'Ng'] },
  nigerian: { first: ['Chinedu', 'Ngozi', 'Oluwaseun', 'Amaka', 'Emeka', 'Funmilayo', 'Tunde', 'Adaeze', 'Ifeanyi', 'Yetunde'], last: ['Okafor', 'Adeyemi', 'Okonkwo', 'Balogun', 'Eze', 'Nwosu', 'Adebayo', 'Olawale', 'Chukwu', 'Ibrahim'] },
  portuguese: { first: ['Ana', 'João', 'Beatriz', 'Pedro', 'Mariana', 'Gabriel', 'Larissa', 'Rafael', 'Camila', 'Thiago'], last: ['Silva', 'Santos', 'Oliveira', 'Souza', 'Pereira', 'Costa', 'Rodrigues', 'Almeida', 'Nascimento', 'Lima'] },
} satisfies Record<string, NamePool>;

/** Where a user lives: time zone, language and naming tradition. */
export interface Region {
  timezone: string;
  language: string;
  names: NamePool;
  cities: readonly string[];
  weight: number;
}

export const REGIONS: readonly Region[] = [
  { timezone: 'Europe/London', language: 'en-GB', names: NAME_POOLS.british, cities: ['Leeds', 'Sheffield', 'Bradford', 'York', 'Hull', 'Manchester', 'London', 'Birmingham', 'Bristol', 'Newcastle', 'Glasgow', 'Cardiff'], weight: 52 },
  { timezone: 'Europe/Dublin', language: 'en-IE', names: NAME_POOLS.irish, cities: ['Dublin', 'Cork', 'Galway'], weight: 4 },
  { timezone: 'Europe/Paris', language: 'fr-FR', names: NAME_POOLS.french, cities: ['Paris', 'Lyon', 'Lille', 'Nantes'], weight: 5 },
  { timezone: 'Europe/Berlin', language: 'de-DE', names: NAME_POOLS.german, cities: ['Berlin', 'Hamburg', 'Munich', 'Cologne'], weight: 5 },
  { timezone: 'Europe/Madrid', language: 'es-ES', names: NAME_POOLS.spanish, cities: ['Madrid', 'Barcelona', 'Valencia', 'Seville'], weight: 5 },
  { timezone: 'Europe/Warsaw', language: 'pl-PL', names: NAME_POOLS.polish, cities: ['Warsaw', 'Kraków', 'Wrocław', 'Gdańsk'], weight: 3 },
  { timezone: 'Europe/Rome', language: 'it-IT', names: NAME_POOLS.italian, cities: ['Rome', 'Milan', 'Turin', 'Bologna'], weight: 3 },
  { timezone: 'America/New_York', language: 'en-US', names: NAME_POOLS.american, cities: ['New York', 'Boston', 'Atlanta', 'Miami'], weight: 6 },
  { timezone: 'America/Los_Angeles', language: 'en-US', names: NAME_POOLS.american, cities: ['Los Angeles', 'San Francisco', 'Seattle', 'Portland'], weight: 3 },
  { timezone: 'America/Toronto', language: 'en-CA', names: NAME_POOLS.american, cities: ['Toronto', 'Ottawa', 'Montreal'], weight: 2 },
  { timezone: 'America/Sao_Paulo', language: 'pt-BR', names: NAME_POOLS.portuguese, cities: ['São Paulo', 'Rio de Janeiro', 'Curitiba'], weight: 2 },
  { timezone: 'Asia/Kolkata', language: 'en-IN', names: NAME_POOLS.indian, cities: ['Bengaluru', 'Mumbai', 'Delhi', 'Pune'], weight: 4 },
  { timezone: 'Asia/Singapore', language: 'en-SG', names: NAME_POOLS.chinese, cities: ['Singapore'], weight: 2 },
  { timezone: 'Australia/Sydney', language: 'en-AU', names: NAME_POOLS.british, cities: ['Sydney', 'Melbourne', 'Brisbane'], weight: 2 },
  { timezone: 'Africa/Lagos', language: 'en-NG', names: NAME_POOLS.nigerian, cities: ['Lagos', 'Abuja', 'Ibadan'], weight: 2 },
];

export const EMAIL_DOMAINS = ['example.com', 'example.org', 'example.net', 'mail.example.com', 'work.example.org'] as const;

export const JOBS = ['Nurse', 'Teacher', 'Warehouse supervisor', 'Office manager', 'Software engineer', 'Nursery practitioner', 'Mortgage adviser', 'Event coordinator', 'Sales executive', 'Student', 'Retail manager', 'HR partner', 'Site manager', 'Data analyst', 'Personal trainer', 'Charity worker', 'Receptionist', 'Marketing lead', 'Childminder', 'Project manager'];

export const GOALS = ['get promoted', 'change careers', 'keep my certificate current', 'help my team', 'travel with confidence', 'start my own business', 'stay sharp', 'meet a legal requirement at work'];

/** Title patterns for synthetic courses: `{s}` is the subject; the level each suggests. */
export const TITLE_PATTERNS: readonly (readonly [pattern: string, level: 'BEGINNER' | 'INTERMEDIATE' | 'ADVANCED' | null])[] = [
  ['{s}', null],
  ['Introduction to {s}', 'BEGINNER'],
  ['{s} Fundamentals', 'BEGINNER'],
  ['{s} Essentials', 'BEGINNER'],
  ['Practical {s}', 'INTERMEDIATE'],
  ['{s} in Practice', 'INTERMEDIATE'],
  ['{s}: A Hands-on Workshop', 'INTERMEDIATE'],
  ['{s} for Managers', 'INTERMEDIATE'],
  ['Advanced {s}', 'ADVANCED'],
  ['{s} Masterclass', 'ADVANCED'],
];

export const MODULE_OPENINGS = ['Getting started', 'Welcome and overview', 'Foundations', 'Why it matters'];
export const MODULE_MIDDLES = ['Core concepts', 'Tools and techniques', 'Case studies', 'Common mistakes', 'Putting it into practice', 'Working with others', 'Measuring results', 'Planning ahead', 'Real-world scenarios', 'Deeper dive', 'Troubleshooting', 'Building confidence'];
export const MODULE_CLOSINGS = ['Assessment and next steps', 'Review and reflection', 'Final project', 'Wrapping up'];

/** Lesson title patterns: `{c}` a concept, `{C}` the same capitalised; and the lesson kind. */
export const LESSON_PATTERNS: readonly (readonly [pattern: string, kind: 'TEXT' | 'VIDEO' | 'QUIZ' | 'LIVE', weight: number])[] = [
  ['Understanding {c}', 'TEXT', 4],
  ['{C}: step by step', 'TEXT', 3],
  ['{C} explained', 'VIDEO', 4],
  ['Watch: {c} in action', 'VIDEO', 3],
  ['Worked example: {c}', 'TEXT', 2],
  ['Common mistakes with {c}', 'TEXT', 2],
  ['Quiz: {c}', 'QUIZ', 2],
  ['Check your understanding: {c}', 'QUIZ', 1],
  ['Live practice: {c}', 'LIVE', 1],
];

export const CANCELLATION_REASONS = ['Trainer unavailable', 'Too few registrations', 'Venue unavailable', 'Severe weather warning', 'Rescheduled at the client’s request'];

export const SEARCH_QUERIES = ['first aid', 'efaw', 'paediatric first aid', 'spanish', 'python', 'leadership', 'fire safety', 'mortgage', 'public speaking', 'excel', 'prompt engineering', 'manual handling', 'french beginners', 'sales training', 'mental health', 'scrum', 'cpr course leeds', 'ielts', 'coaching', 'sql'];

export const REFERRERS = ['google', 'direct', 'newsletter', 'linkedin', 'facebook', 'instagram', 'partner', 'bing'];

export const DEVICES = [['desktop', 55], ['mobile', 38], ['tablet', 7]] as const;

// Chat lines. `{c}` is a concept of the room's topic, `{s}` a subject of it; a room without a
// topic draws one per message. Hosts are a room's OWNER and MODERATORs.
export const CHAT_REPLIES = ['Thanks!', 'Thank you, that’s really helpful', 'Sounds good 👍', 'Agreed', 'Same here', 'Good point', 'Ha, yes!', 'Great, see you then', 'No worries', 'Will do', 'Makes sense now, thanks', 'Morning all', 'Hi everyone 👋', 'Has anyone else had this?', 'Just catching up on this thread', 'Sorry, missed this earlier', '+1', 'Brilliant, thanks for sharing', 'Good luck everyone!', 'That’s what I thought too', 'Yes please', 'Nice one 🙌', 'Fair enough', 'Oh that’s useful to know'];

export const CHAT_TOPIC_LINES = ['Can someone explain {c} again?', 'I still find {c} a bit confusing', 'The part on {c} was really useful', 'Does anyone have good notes on {c}?', 'Just finished the {s} quiz, 8/10 🙂', 'Is the {s} certificate recognised by employers?', 'Quick tip on {c}: practise it out loud, it sticks better', 'Anyone doing {s} next month?', 'Found a good video on {c}, happy to share', 'We covered {c} today. It really clicked once we practised it', 'What’s the difference between {c} and what we did last week?', 'Had to use what we learned about {c} at work yesterday. Glad I did the course', 'Is there a follow-up to {s}?', 'How long did the {s} assessment take you?', 'Struggling to remember the steps for {c}, any tricks?'];

export const CHAT_SESSION_LINES = ['What time do we start?', 'Is there parking near the venue?', 'Do we need to bring anything?', 'Running about 10 minutes late, sorry!', 'Where do we sign in?', 'Is lunch provided?', 'Will we get the slides afterwards?', 'Looking forward to it', 'Thanks for a great session today', 'When will the certificates come through?', 'Is there a dress code for the practical part?', 'Can I still swap to the afternoon group?', 'Anyone getting the train from the station? Happy to walk over together'];

export const CHAT_HOST_LINES = ['Reminder: we start at 9:30 sharp, please bring photo ID', 'Slides and handouts are now in the course materials', 'Great work today everyone', 'Please complete the pre-course module before the session', 'Certificates have been issued, check your email', 'Welcome to the group! Introduce yourselves 👋', 'Please keep questions about {c} in this room so everyone benefits', 'New resources on {s} are up in the library', 'Pinned: the assessment covers {c}, so revise it well', 'Parking is free after 6pm; the entrance is round the back'];

export const CHAT_DIRECT_LINES = ['Hey! How did you find the course?', 'Did you pass the assessment?', 'Want to practise {c} before the exam?', 'Are you going to the session next week?', 'Thanks for the notes!', 'Yes, see you there', 'Haha same', 'Let me know how it goes', 'Did you get your certificate yet?', 'Can you send me the link again?'];

export const CHAT_COACHING_LINES = ['How are you getting on with {c}?', 'Good progress this week', 'Let’s book a call to go through {c}', 'Have a look at the {s} module before we talk', 'I’ve finished the {s} module', 'Could we go over {c} again?', 'Thanks, that helped a lot', 'Can we move our call to Thursday?', 'Your answer on {c} was spot on', 'Try the practice questions on {c} and tell me which ones felt hard'];
