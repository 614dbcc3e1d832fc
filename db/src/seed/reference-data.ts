// Reference data taken from the source platforms (see shared/DOMAIN.md, "Facts from the seeds"):
// the first-aid company's courses and venues, and the topics every platform's catalogue uses.

export type LessonKind = 'TEXT' | 'VIDEO' | 'QUIZ' | 'LIVE';
export type CourseLevel = 'BEGINNER' | 'INTERMEDIATE' | 'ADVANCED';

/** A catalogue topic and the words that synthetic courses on it are made of. */
export interface TopicSeed {
  key: string;
  name: string;
  description: string;
  /** Subjects that course titles are built around. */
  subjects: readonly string[];
  /** Things a lesson can be about. */
  concepts: readonly string[];
  /** Who the courses are for, as in "for {audience}". */
  audiences: readonly string[];
  /** Share of this topic's sessions held at a venue rather than online. */
  inPersonShare: number;
  /** Months a certificate lasts, when the topic's courses certify. */
  certificateMonths: number | null;
  /** How often a synthetic course is on this topic. */
  weight: number;
}

export const TOPICS: readonly TopicSeed[] = [
  {
    key: 'first-aid',
    name: 'First aid',
    description: 'Recognising emergencies and giving life-saving care until help arrives.',
    subjects: ['Basic Life Support', 'Mental Health First Aid', 'First Aid Refresher', 'Outdoor First Aid', 'Sports First Aid', 'Defibrillator Awareness'],
    concepts: ['the primary survey', 'the recovery position', 'CPR', 'using an AED', 'choking', 'severe bleeding', 'shock', 'burns and scalds', 'fractures', 'seizures', 'anaphylaxis', 'asthma attacks', 'head injuries'],
    audiences: ['workplace first aiders', 'team leaders', 'sports coaches', 'anyone who wants to help in an emergency'],
    inPersonShare: 0.9,
    certificateMonths: 36,
    weight: 3,
  },
  {
    key: 'workplace-safety',
    name: 'Workplace safety',
    description: 'Health and safety at work: risk assessment, fire safety, manual handling and the law.',
    subjects: ['Fire Safety', 'Manual Handling', 'Risk Assessment', 'Working at Height', 'COSHH Awareness', 'Health and Safety Law', 'Display Screen Equipment'],
    concepts: ['hazards and risks', 'the hierarchy of control', 'fire extinguishers', 'safe lifting', 'reporting incidents', 'RIDDOR', 'personal protective equipment', 'safe systems of work', 'method statements'],
    audiences: ['managers', 'site supervisors', 'new starters', 'health and safety representatives'],
    inPersonShare: 0.6,
    certificateMonths: 12,
    weight: 3,
  },
  {
    key: 'paediatrics',
    name: 'Paediatrics',
    description: 'Caring for babies and children: paediatric first aid, safeguarding and childhood illness.',
    subjects: ['Safeguarding Children', 'Childhood Illnesses', 'Infant Care', 'Allergy Awareness in Schools', 'Child Development'],
    concepts: ['febrile convulsions', 'meningitis', 'infant CPR', 'choking in babies', 'safeguarding concerns', 'allergic reactions', 'croup', 'dehydration'],
    audiences: ['nursery staff', 'childminders', 'teachers', 'parents and carers'],
    inPersonShare: 0.7,
    certificateMonths: 36,
    weight: 2,
  },
  {
    key: 'languages',
    name: 'Languages',
    description: 'Learning to speak, read and write another language, from first words to fluency.',
    subjects: ['Conversational Spanish', 'Business French', 'German Grammar', 'Italian for Travellers', 'Japanese', 'Mandarin Chinese', 'English for Work', 'IELTS Preparation', 'Portuguese'],
    concepts: ['greetings', 'pronunciation', 'the past tense', 'ordering food', 'phone calls', 'formal letters', 'listening practice', 'vocabulary building', 'small talk', 'numbers and dates'],
    audiences: ['complete beginners', 'travellers', 'professionals', 'exam candidates'],
    inPersonShare: 0.1,
    certificateMonths: null,
    weight: 5,
  },
  {
    key: 'coaching',
    name: 'Coaching',
    description: 'One-to-one and group coaching: goals, feedback and growth conversations.',
    subjects: ['Coaching Skills', 'Career Coaching', 'The GROW Model', 'Performance Coaching', 'Mentoring'],
    concepts: ['active listening', 'powerful questions', 'goal setting', 'giving feedback', 'accountability', 'building rapport', 'reflective practice'],
    audiences: ['managers', 'aspiring coaches', 'HR professionals', 'mentors'],
    inPersonShare: 0.3,
    certificateMonths: null,
    weight: 2,
  },
  {
    key: 'sales',
    name: 'Sales',
    description: 'Finding, winning and keeping customers.',
    subjects: ['Consultative Selling', 'Negotiation', 'Sales Prospecting', 'Account Management', 'Closing Techniques'],
    concepts: ['qualifying leads', 'handling objections', 'discovery calls', 'pipeline reviews', 'pricing conversations', 'follow-up emails', 'CRM hygiene'],
    audiences: ['new sales reps', 'account managers', 'founders', 'sales leaders'],
    inPersonShare: 0.3,
    certificateMonths: null,
    weight: 2,
  },
  {
    key: 'leadership',
    name: 'Leadership',
    description: 'Leading people and teams: delegation, difficult conversations and strategy.',
    subjects: ['First-Time Management', 'Leading Remote Teams', 'Strategic Thinking', 'Change Management', 'Difficult Conversations', 'Delegation'],
    concepts: ['setting expectations', 'one-to-ones', 'team charters', 'managing conflict', 'decision making', 'stakeholder mapping', 'psychological safety'],
    audiences: ['new managers', 'team leads', 'senior leaders', 'project sponsors'],
    inPersonShare: 0.4,
    certificateMonths: null,
    weight: 3,
  },
  {
    key: 'ai-data',
    name: 'AI and data',
    description: 'Working with data and artificial intelligence: analysis, machine learning and prompting.',
    subjects: ['Data Analysis with Python', 'Prompt Engineering', 'Machine Learning', 'SQL for Analysts', 'Data Visualisation', 'Generative AI at Work', 'Statistics'],
    concepts: ['data cleaning', 'pivot tables', 'regression', 'prompt patterns', 'model evaluation', 'dashboards', 'joins', 'bias in data', 'embeddings'],
    audiences: ['analysts', 'product managers', 'developers', 'curious professionals'],
    inPersonShare: 0.15,
    certificateMonths: null,
    weight: 4,
  },
  {
    key: 'financial-services',
    name: 'Financial services',
    description: 'Mortgages, protection and advice: training for brokers and advisers.',
    subjects: ['Mortgage Advice', 'Protection Insurance', 'Anti-Money Laundering', 'Consumer Duty', 'Equity Release'],
    concepts: ['affordability checks', 'fact finds', 'suitability letters', 'customer due diligence', 'vulnerable customers', 'product comparison', 'complaints handling'],
    audiences: ['mortgage brokers', 'trainee advisers', 'compliance officers', 'paraplanners'],
    inPersonShare: 0.35,
    certificateMonths: 12,
    weight: 2,
  },
  {
    key: 'events',
    name: 'Event management',
    description: 'Planning and running events, in person and online.',
    subjects: ['Event Planning', 'Hybrid Events', 'Event Marketing', 'Conference Production', 'Venue Management'],
    concepts: ['budgets', 'run sheets', 'ticketing', 'speaker briefs', 'accessibility', 'risk plans', 'attendee experience'],
    audiences: ['event organisers', 'marketers', 'community managers', 'volunteers'],
    inPersonShare: 0.4,
    certificateMonths: null,
    weight: 1,
  },
  {
    key: 'communication',
    name: 'Communication',
    description: 'Speaking, writing and presenting with clarity and confidence.',
    subjects: ['Public Speaking', 'Business Writing', 'Presentation Skills', 'Storytelling', 'Assertiveness'],
    concepts: ['structuring a talk', 'handling questions', 'plain English', 'body language', 'email etiquette', 'slides that work', 'nerves'],
    audiences: ['professionals', 'graduates', 'team leaders', 'technical experts'],
    inPersonShare: 0.35,
    certificateMonths: null,
    weight: 2,
  },
  {
    key: 'wellbeing',
    name: 'Health and wellbeing',
    description: 'Looking after body and mind at work and at home.',
    subjects: ['Stress Management', 'Mindfulness', 'Sleep and Recovery', 'Nutrition Basics', 'Resilience'],
    concepts: ['breathing techniques', 'habits', 'burnout signs', 'work-life boundaries', 'movement breaks', 'sleep hygiene'],
    audiences: ['everyone', 'busy professionals', 'managers', 'shift workers'],
    inPersonShare: 0.2,
    certificateMonths: null,
    weight: 2,
  },
  {
    key: 'project-management',
    name: 'Project management',
    description: 'Planning and delivering projects: agile, waterfall and everything in between.',
    subjects: ['Agile Project Management', 'Scrum', 'PRINCE2 Foundation', 'Kanban', 'Project Planning'],
    concepts: ['user stories', 'risk registers', 'sprint planning', 'Gantt charts', 'retrospectives', 'scope creep', 'status reporting'],
    audiences: ['project managers', 'product owners', 'team members', 'consultants'],
    inPersonShare: 0.25,
    certificateMonths: null,
    weight: 2,
  },
  {
    key: 'customer-service',
    name: 'Customer service',
    description: 'Serving customers well, from the first hello to handling complaints.',
    subjects: ['Customer Service Excellence', 'Handling Complaints', 'Telephone Skills', 'Customer Experience Design'],
    concepts: ['empathy statements', 'de-escalation', 'first contact resolution', 'service recovery', 'tone of voice', 'feedback surveys'],
    audiences: ['front-line staff', 'contact centre agents', 'team leaders', 'small business owners'],
    inPersonShare: 0.3,
    certificateMonths: null,
    weight: 1,
  },
  {
    key: 'digital-marketing',
    name: 'Digital marketing',
    description: 'Reaching people online: search, social media, email and analytics.',
    subjects: ['Social Media Marketing', 'SEO', 'Email Marketing', 'Content Strategy', 'Paid Advertising'],
    concepts: ['keyword research', 'audiences', 'A/B tests', 'conversion funnels', 'content calendars', 'attribution', 'landing pages'],
    audiences: ['marketers', 'small business owners', 'charities', 'freelancers'],
    inPersonShare: 0.15,
    certificateMonths: null,
    weight: 2,
  },
  {
    key: 'software-development',
    name: 'Software development',
    description: 'Writing, testing and shipping software.',
    subjects: ['TypeScript', 'Web Accessibility', 'Testing in Practice', 'Git and GitHub', 'GraphQL APIs', 'Cloud Basics'],
    concepts: ['types', 'unit tests', 'code review', 'branches and merges', 'schemas', 'deployments', 'debugging', 'accessibility audits'],
    audiences: ['junior developers', 'career changers', 'designers', 'testers'],
    inPersonShare: 0.1,
    certificateMonths: null,
    weight: 2,
  },
];

/** A module of a reference course, with its lessons as [title, kind, minutes]. */
export interface ModuleSeed {
  title: string;
  lessons: readonly (readonly [title: string, kind: LessonKind, minutes: number])[];
}

/** A hand-written course of a source platform: the first-aid company's (seed 002), or the broker-training one (seed 000). */
export interface ReferenceCourse {
  slug: string;
  title: string;
  summary: string;
  description: string;
  level: CourseLevel;
  durationMinutes: number;
  /** Price per learner in pence. */
  priceMinor: number;
  certificateValidityMonths: number;
  /** The day of the week its course starts, 0 = Monday (EFAW Mondays, FAW Tuesday to Thursday, Paediatric Friday and Saturday, brokers Wednesdays). */
  weekday: number;
  /** Topic keys, the main one first. */
  topics: readonly string[];
  modules: readonly ModuleSeed[];
}

const CPR_MODULE: ModuleSeed = {
  title: 'CPR and defibrillation',
  lessons: [
    ['Recognising cardiac arrest', 'TEXT', 15],
    ['Adult CPR, step by step', 'VIDEO', 20],
    ['Using an AED', 'VIDEO', 15],
    ['Practical: CPR on a manikin', 'LIVE', 45],
  ],
};

export const REFERENCE_COURSES: readonly ReferenceCourse[] = [
  {
    slug: 'emergency-first-aid-at-work',
    weekday: 0,
    title: 'Emergency First Aid at Work (EFAW)',
    summary: 'The one-day course that qualifies you as an emergency first aider in a low-risk workplace.',
    description:
      'Meets the Health and Safety (First-Aid) Regulations for low-risk workplaces. Covers the role of the first aider, ' +
      'assessing an incident, CPR and AED use, choking, bleeding, shock, burns and seizures, with hands-on practice ' +
      'on manikins. Certificate valid for three years.',
    level: 'BEGINNER',
    durationMinutes: 360,
    priceMinor: 7500,
    certificateValidityMonths: 36,
    topics: ['first-aid', 'workplace-safety'],
    modules: [
      {
        title: 'The role of the first aider',
        lessons: [
          ['Responsibilities of a first aider', 'TEXT', 15],
          ['Managing an incident safely', 'VIDEO', 15],
          ['Infection control and hygiene', 'TEXT', 10],
          ['Quiz: the first aider’s role', 'QUIZ', 10],
        ],
      },
      {
        title: 'Assessing a casualty',
        lessons: [
          ['The primary survey (DRABC)', 'VIDEO', 20],
          ['The recovery position', 'VIDEO', 15],
          ['Calling the emergency services', 'TEXT', 10],
          ['Quiz: assessing a casualty', 'QUIZ', 10],
        ],
      },
      CPR_MODULE,
      {
        title: 'Choking, bleeding and shock',
        lessons: [
          ['Choking in adults', 'VIDEO', 15],
          ['Controlling severe bleeding', 'VIDEO', 20],
          ['Recognising and treating shock', 'TEXT', 15],
          ['Minor cuts, grazes and bruises', 'TEXT', 10],
        ],
      },
      {
        title: 'Burns, seizures and assessment',
        lessons: [
          ['Burns and scalds', 'TEXT', 15],
          ['Seizures', 'VIDEO', 15],
          ['Final assessment', 'QUIZ', 30],
        ],
      },
    ],
  },
  {
    slug: 'first-aid-at-work',
    weekday: 1,
    title: 'First Aid at Work (FAW)',
    summary: 'The full three-day qualification for first aiders in higher-risk or larger workplaces.',
    description:
      'Everything in Emergency First Aid at Work, plus injuries to bones, muscles and joints, head and spinal injuries, ' +
      'chest injuries, poisoning, anaphylaxis and major illnesses such as heart attack, stroke, diabetes and asthma. ' +
      'Practical and written assessment. Certificate valid for three years.',
    level: 'INTERMEDIATE',
    durationMinutes: 1080,
    priceMinor: 9500,
    certificateValidityMonths: 36,
    topics: ['first-aid', 'workplace-safety'],
    modules: [
      {
        title: 'First aid essentials',
        lessons: [
          ['Responsibilities and reporting', 'TEXT', 20],
          ['The primary survey', 'VIDEO', 20],
          ['The secondary survey', 'VIDEO', 20],
          ['The recovery position', 'VIDEO', 15],
        ],
      },
      CPR_MODULE,
      {
        title: 'Wounds, bleeding and shock',
        lessons: [
          ['Types of wound', 'TEXT', 15],
          ['Controlling severe bleeding', 'VIDEO', 20],
          ['Shock', 'TEXT', 15],
          ['Practical: bandaging', 'LIVE', 30],
        ],
      },
      {
        title: 'Injuries to bones, muscles and joints',
        lessons: [
          ['Fractures and dislocations', 'VIDEO', 20],
          ['Sprains and strains', 'TEXT', 15],
          ['Head injuries', 'TEXT', 15],
          ['Suspected spinal injuries', 'VIDEO', 20],
          ['Chest injuries', 'TEXT', 15],
        ],
      },
      {
        title: 'Major illness',
        lessons: [
          ['Heart attack and angina', 'TEXT', 15],
          ['Stroke: FAST', 'VIDEO', 15],
          ['Asthma attacks', 'TEXT', 10],
          ['Diabetic emergencies', 'TEXT', 15],
          ['Epilepsy and seizures', 'VIDEO', 15],
        ],
      },
      {
        title: 'Poisoning, anaphylaxis and burns',
        lessons: [
          ['Poisoning', 'TEXT', 15],
          ['Anaphylaxis and auto-injectors', 'VIDEO', 20],
          ['Burns and scalds', 'TEXT', 15],
          ['Eye injuries', 'TEXT', 10],
        ],
      },
      {
        title: 'Assessment',
        lessons: [
          ['Practical scenarios', 'LIVE', 60],
          ['Written assessment', 'QUIZ', 30],
          ['Course review and next steps', 'TEXT', 10],
        ],
      },
    ],
  },
  {
    slug: 'paediatric-first-aid',
    weekday: 4,
    title: 'Paediatric First Aid',
    summary: 'Two-day paediatric first aid for early years staff, childminders and parents; meets Ofsted requirements.',
    description:
      'First aid for babies and children: CPR for infants and children, choking, bleeding, burns, fractures, allergies ' +
      'and anaphylaxis, and childhood illnesses such as meningitis, febrile convulsions and croup. Certificate valid ' +
      'for three years.',
    level: 'BEGINNER',
    durationMinutes: 720,
    priceMinor: 8500,
    certificateValidityMonths: 36,
    topics: ['first-aid', 'paediatrics'],
    modules: [
      {
        title: 'Paediatric first aid essentials',
        lessons: [
          ['The paediatric first aider', 'TEXT', 15],
          ['Assessing a baby or child', 'VIDEO', 20],
          ['The recovery position for children and infants', 'VIDEO', 15],
        ],
      },
      {
        title: 'CPR for infants and children',
        lessons: [
          ['Infant CPR', 'VIDEO', 20],
          ['Child CPR', 'VIDEO', 20],
          ['Using an AED on a child', 'TEXT', 10],
          ['Practical: infant and child manikins', 'LIVE', 45],
        ],
      },
      {
        title: 'Choking in babies and children',
        lessons: [
          ['Choking in infants', 'VIDEO', 15],
          ['Choking in children', 'VIDEO', 15],
          ['Quiz: choking', 'QUIZ', 10],
        ],
      },
      {
        title: 'Childhood illnesses',
        lessons: [
          ['Meningitis and sepsis', 'TEXT', 20],
          ['Febrile convulsions', 'TEXT', 15],
          ['Croup and breathing difficulties', 'TEXT', 15],
          ['Dehydration and diarrhoea', 'TEXT', 10],
        ],
      },
      {
        title: 'Allergies, asthma and anaphylaxis',
        lessons: [
          ['Allergic reactions', 'TEXT', 15],
          ['Asthma in children', 'VIDEO', 15],
          ['Anaphylaxis and auto-injectors', 'VIDEO', 20],
        ],
      },
      {
        title: 'Injuries and assessment',
        lessons: [
          ['Bleeding, burns and scalds', 'VIDEO', 20],
          ['Fractures and head injuries', 'TEXT', 15],
          ['Final assessment', 'QUIZ', 30],
        ],
      },
    ],
  },
];

/**
 * The broker-training company's core course (seed 000): its sessions, fortnightly and mostly
 * online, list the topics they cover, and its registrants often name who referred them.
 */
export const BROKER_COURSE: ReferenceCourse = {
  slug: 'mortgage-broker-essentials',
  weekday: 2,
  title: 'Mortgage Broker Essentials',
  summary: 'The working knowledge a new mortgage broker needs: affordability, suitability, protection and the rules around them.',
  description:
    'For trainee and newly qualified brokers. Works through a client from first fact find to completion: affordability ' +
    'and lending criteria, suitability letters, protection conversations, Consumer Duty and vulnerable customers, and ' +
    'anti-money-laundering checks, with case studies from real files. Certificate valid for one year.',
  level: 'BEGINNER',
  durationMinutes: 360,
  priceMinor: 19500,
  certificateValidityMonths: 12,
  topics: ['financial-services'],
  modules: [
    {
      title: 'The mortgage market and the broker',
      lessons: [
        ['Lenders, products and intermediaries', 'TEXT', 15],
        ['The regulated advice process', 'VIDEO', 20],
        ['Quiz: who does what', 'QUIZ', 10],
      ],
    },
    {
      title: 'Fact finds and affordability',
      lessons: [
        ['Running a fact find', 'VIDEO', 20],
        ['Income, outgoings and stress tests', 'TEXT', 20],
        ['Case study: the self-employed applicant', 'LIVE', 45],
        ['Quiz: affordability', 'QUIZ', 10],
      ],
    },
    {
      title: 'Suitability and protection',
      lessons: [
        ['Writing a suitability letter', 'TEXT', 20],
        ['Protection needs: life, illness and income', 'VIDEO', 20],
        ['Practical: the protection conversation', 'LIVE', 40],
      ],
    },
    {
      title: 'Compliance',
      lessons: [
        ['Consumer Duty in practice', 'TEXT', 15],
        ['Vulnerable customers', 'VIDEO', 15],
        ['Customer due diligence and AML', 'TEXT', 15],
        ['Final assessment', 'QUIZ', 25],
      ],
    },
  ],
};

/** A training venue. */
export interface VenueSeed {
  name: string;
  addressLine1: string;
  addressLine2: string | null;
  city: string | null;
  postcode: string | null;
  capacity: number;
  facilities: readonly string[];
  parkingInfo: string;
  /** Courses held here are the first-aid company's own (not partners' rooms). */
  firstAid: boolean;
  /** Sessions here take place at the client's premises. */
  onSite: boolean;
}

/** The first-aid company's five venues (seed 002), then partner rooms elsewhere in the UK. */
export const VENUES: readonly VenueSeed[] = [
  {
    name: 'Leeds City Centre Training Venue',
    addressLine1: '2nd Floor, 14 Park Square East',
    addressLine2: null,
    city: 'Leeds',
    postcode: 'LS1 2NE',
    capacity: 24,
    facilities: ['Wheelchair access', 'Lift', 'Free Wi-Fi', 'Refreshments', 'Projector', 'Resuscitation manikins', 'AED trainers'],
    parkingInfo: 'No on-site parking. Woodhouse Lane multi-storey is a 5-minute walk; Leeds station is 10 minutes on foot.',
    firstAid: true,
    onSite: false,
  },
  {
    name: 'Sheffield Business Park',
    addressLine1: 'Suite 3, Europa Court, Europa Link',
    addressLine2: 'Sheffield Business Park',
    city: 'Sheffield',
    postcode: 'S9 1XU',
    capacity: 20,
    facilities: ['Wheelchair access', 'Free Wi-Fi', 'Kitchen', 'Projector', 'Resuscitation manikins', 'AED trainers'],
    parkingInfo: 'Free parking for 30 cars on site. Supertram stop Meadowhall South / Tinsley is a 6-minute walk.',
    firstAid: true,
    onSite: false,
  },
  {
    name: 'Bradford Community Centre',
    addressLine1: 'Main Hall, 61 Manningham Lane',
    addressLine2: null,
    city: 'Bradford',
    postcode: 'BD1 3EE',
    capacity: 16,
    facilities: ['Wheelchair access', 'Hearing loop', 'Kitchen', 'Resuscitation manikins', 'Baby and child manikins'],
    parkingInfo: 'Limited free parking behind the centre; pay-and-display on Manningham Lane.',
    firstAid: true,
    onSite: false,
  },
  {
    name: 'York Conference Centre',
    addressLine1: 'Ouse Suite, 5 Station Rise',
    addressLine2: null,
    city: 'York',
    postcode: 'YO1 6HT',
    capacity: 30,
    facilities: ['Wheelchair access', 'Lift', 'Free Wi-Fi', 'Refreshments', 'Lunch included', 'Projector', 'Resuscitation manikins', 'AED trainers'],
    parkingInfo: 'Paid parking at York station long-stay car park, 3 minutes away. Park and ride from Askham Bar.',
    firstAid: true,
    onSite: false,
  },
  {
    name: 'Client On-Site Training',
    addressLine1: 'At the client’s premises',
    addressLine2: null,
    city: 'Across Yorkshire',
    postcode: null,
    capacity: 12,
    facilities: ['Trainer brings all equipment', 'Resuscitation manikins', 'AED trainers', 'Baby and child manikins'],
    parkingInfo: 'The client provides one parking space for the trainer close to the training room.',
    firstAid: true,
    onSite: true,
  },
  {
    name: 'Manchester Spinningfields Training Suite',
    addressLine1: '3 Hardman Square',
    addressLine2: 'Spinningfields',
    city: 'Manchester',
    postcode: 'M3 3EB',
    capacity: 40,
    facilities: ['Wheelchair access', 'Lift', 'Free Wi-Fi', 'Refreshments', 'Projector', 'Video conferencing'],
    parkingInfo: 'NCP Spinningfields is next door; Deansgate station is a 10-minute walk.',
    firstAid: false,
    onSite: false,
  },
  {
    name: 'London Bridge Learning Centre',
    addressLine1: '4th Floor, 20 Tooley Street',
    addressLine2: null,
    city: 'London',
    postcode: 'SE1 2QP',
    capacity: 60,
    facilities: ['Wheelchair access', 'Lift', 'Free Wi-Fi', 'Refreshments', 'Projector', 'Video conferencing', 'Breakout rooms'],
    parkingInfo: 'No parking. London Bridge station is a 3-minute walk.',
    firstAid: false,
    onSite: false,
  },
  {
    name: 'Birmingham Colmore Rooms',
    addressLine1: '55 Colmore Row',
    addressLine2: null,
    city: 'Birmingham',
    postcode: 'B3 2AA',
    capacity: 36,
    facilities: ['Wheelchair access', 'Lift', 'Free Wi-Fi', 'Projector', 'Refreshments'],
    parkingInfo: 'Snow Hill multi-storey car park is a 4-minute walk.',
    firstAid: false,
    onSite: false,
  },
  {
    name: 'Newcastle Quayside Studio',
    addressLine1: 'Unit 2, 31 Quayside',
    addressLine2: null,
    city: 'Newcastle upon Tyne',
    postcode: 'NE1 3DE',
    capacity: 24,
    facilities: ['Free Wi-Fi', 'Projector', 'Kitchen', 'Breakout rooms'],
    parkingInfo: 'Pay-and-display along the Quayside; Manors Metro is a 7-minute walk.',
    firstAid: false,
    onSite: false,
  },
  {
    name: 'Bristol Harbourside Rooms',
    addressLine1: '1 Canon’s Way',
    addressLine2: 'Harbourside',
    city: 'Bristol',
    postcode: 'BS1 5UH',
    capacity: 30,
    facilities: ['Wheelchair access', 'Free Wi-Fi', 'Refreshments', 'Projector', 'Hearing loop'],
    parkingInfo: 'Millennium Square car park is underneath the building.',
    firstAid: false,
    onSite: false,
  },
];

/** What trainers hold, by specialisation: the instructor qualification that lets them teach it. */
export const INSTRUCTOR_QUALIFICATIONS: Readonly<Record<string, string>> = {
  'First aid': 'First Aid at Work instructor (Level 3)',
  Paediatrics: 'Paediatric First Aid instructor',
  'Workplace safety': 'NEBOSH National General Certificate',
  'Financial services': 'CeMAP (Certificate in Mortgage Advice and Practice)',
};

/** A teaching award many trainers hold; it does not lapse. */
export const TEACHING_AWARD = 'Level 3 Award in Education and Training';

/** Events of the platforms (seed 004): open days, summits and meet-ups, with what they are about. */
export const EVENT_SEEDS: readonly { name: string; description: string }[] = [
  { name: 'First Aid Open Day', description: 'Try CPR and the recovery position on our manikins, meet the trainers and ask about courses for your workplace.' },
  { name: 'Mortgage Broker Summit', description: 'Affordability, Consumer Duty and protection: a day of talks and workshops for brokers and advisers.' },
  { name: 'Yorkshire Training Awards', description: 'An evening celebrating the region’s trainers, first aiders and learners of the year.' },
  { name: 'Community CPR Morning', description: 'A free hour of hands-on CPR and defibrillator awareness, open to everyone.' },
  { name: 'Trainers’ Conference', description: 'Practical sessions for trainers: scenario design, assessment and inclusive teaching.' },
  { name: 'Leadership Breakfast', description: 'Short talks on leading teams, then breakfast and conversation with other managers.' },
  { name: 'AI at Work Meetup', description: 'Demos and discussion on using AI tools safely and well in everyday work.' },
  { name: 'Careers in Training Fair', description: 'Meet training providers and find out how to become a qualified trainer.' },
];
