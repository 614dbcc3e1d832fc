// How coaching tips are written. The service asks a TipGenerator and stores what it answers; the
// local one below writes from templates, so it needs no network and answers the same every time.
// A generator calling a model provider implements the same interface: it receives the same
// request (topic, tone, audience, the texts the topic has already) and answers plain texts.
import { createHash } from 'node:crypto';
import type { CoachingTipAudience, CoachingTipTone } from '../generated/graphql.js';

/** What to write tips for. */
export interface TipRequest {
  /** The topic's id. ai-analytics holds no copy of topic names, so tips speak of "the topic". */
  topicId: string;
  /** How many tips are wanted; a generator may answer fewer when it has nothing new. */
  count: number;
  tone: CoachingTipTone;
  audience: CoachingTipAudience;
  /** Texts already linked to the topic: answers should differ from them. */
  existing: ReadonlySet<string>;
}

/** One tip as a generator writes it. */
export interface GeneratedTip {
  text: string;
  tone: CoachingTipTone;
  audience: CoachingTipAudience;
}

/** Writes coaching tips. Implementations must answer at most `count` tips, none of them in `existing`. */
export interface TipGenerator {
  generate(request: TipRequest): Promise<GeneratedTip[]>;
}

/** A teaching move: what to do (per audience), how to do it, and why it helps. */
interface Move {
  key: string;
  what: Record<CoachingTipAudience, string>;
  how: string;
  why: string;
}

const MOVES: readonly Move[] = [
  {
    key: 'prior-knowledge',
    what: {
      NEW_LEARNERS: 'Open by asking each learner what they already know about the topic, however little.',
      EXPERIENCED_LEARNERS: 'Open by asking learners for one situation where the topic went wrong for them.',
      MIXED: 'Open by asking who has met the topic before and pair them with someone who has not.',
    },
    how: 'Give two minutes, write the answers up and come back to them at the end.',
    why: 'Learners see they start from somewhere, and you see where to spend your time.',
  },
  {
    key: 'demonstrate-first',
    what: {
      NEW_LEARNERS: 'Show one complete example of the topic before explaining any part of it.',
      EXPERIENCED_LEARNERS: 'Show an expert example and ask learners to spot what makes it work.',
      MIXED: 'Show one complete example, then let the experienced learners explain a step each.',
    },
    how: 'Keep the example under five minutes and narrate each decision as you make it.',
    why: 'A whole picture first makes every later detail easier to place.',
  },
  {
    key: 'practice-early',
    what: {
      NEW_LEARNERS: 'Get learners practising the topic within the first fifteen minutes.',
      EXPERIENCED_LEARNERS: 'Start with a hard practice case of the topic and teach from the mistakes.',
      MIXED: 'Start practice early with two levels of the same exercise and let learners choose.',
    },
    how: 'Prepare the exercise sheet in advance and time-box each round.',
    why: 'Early success builds confidence faster than any explanation.',
  },
  {
    key: 'common-mistakes',
    what: {
      NEW_LEARNERS: 'Name the three mistakes people most often make with the topic, and how to avoid them.',
      EXPERIENCED_LEARNERS: 'Ask learners for the mistakes they see others make with the topic, and rank them together.',
      MIXED: 'Collect the common mistakes with the topic from the group and add any they miss.',
    },
    how: 'Keep the list visible for the rest of the session and tick each one off when it comes up.',
    why: 'Knowing the traps ahead turns errors into expected steps rather than failures.',
  },
  {
    key: 'check-understanding',
    what: {
      NEW_LEARNERS: 'Check understanding of the topic with a quick show of hands after each part.',
      EXPERIENCED_LEARNERS: 'Check understanding of the topic by asking learners to teach back one part.',
      MIXED: 'Check understanding of the topic with a one-question quiz before moving on.',
    },
    how: 'Ask an open question, wait ten seconds, then choose who answers.',
    why: 'Gaps found early are cheap to fill; gaps found at the end are not.',
  },
  {
    key: 'real-case',
    what: {
      NEW_LEARNERS: 'Tie the topic to one real, everyday case the learners will recognise.',
      EXPERIENCED_LEARNERS: 'Ask learners to bring a real case of the topic from their own work.',
      MIXED: 'Work through one real case of the topic with experienced and new learners in each group.',
    },
    how: 'Write the case on one page: the situation, what was done, and what happened.',
    why: 'A real case shows why the topic matters, which is what learners remember.',
  },
  {
    key: 'small-steps',
    what: {
      NEW_LEARNERS: 'Break the topic into steps small enough to practise one at a time.',
      EXPERIENCED_LEARNERS: 'Skip the basics of the topic and spend the time on the steps learners find hardest.',
      MIXED: 'Split the topic into steps and let learners start at the step that challenges them.',
    },
    how: 'List the steps on the board and mark where the group is as you go.',
    why: 'Small steps make progress visible and keep nobody lost for long.',
  },
  {
    key: 'peer-feedback',
    what: {
      NEW_LEARNERS: 'Have learners practise the topic in pairs and give each other one piece of feedback.',
      EXPERIENCED_LEARNERS: 'Have learners observe each other practising the topic with a short checklist.',
      MIXED: 'Pair an experienced learner with a new one and have them swap roles halfway.',
    },
    how: 'Give a three-point checklist so the feedback stays specific.',
    why: 'Giving feedback teaches as much as receiving it.',
  },
  {
    key: 'summarise',
    what: {
      NEW_LEARNERS: 'Close by asking each learner for the one thing about the topic they will use first.',
      EXPERIENCED_LEARNERS: 'Close by asking learners what they will change in their practice of the topic.',
      MIXED: 'Close with a round where each learner names one thing they learned about the topic.',
    },
    how: 'Go round the room quickly; one sentence each.',
    why: 'Saying it aloud makes it far more likely to be used.',
  },
  {
    key: 'questions-parking',
    what: {
      NEW_LEARNERS: 'Keep a visible list of questions about the topic and answer each before the end.',
      EXPERIENCED_LEARNERS: 'Park off-track questions about the topic and offer to take them after the session.',
      MIXED: 'Keep a questions list and let learners answer each other’s before you step in.',
    },
    how: 'Use a flip chart or a shared note that everyone can add to.',
    why: 'Learners ask more when they know no question will be lost.',
  },
  {
    key: 'follow-up',
    what: {
      NEW_LEARNERS: 'Give learners one short task on the topic to try within a week of the session.',
      EXPERIENCED_LEARNERS: 'Ask learners to set their own follow-up goal for the topic and share it.',
      MIXED: 'Agree one follow-up task on the topic with the group and say how you will check it.',
    },
    how: 'Write the task down with a date, and mention it in your follow-up message.',
    why: 'Practice after the session is where the learning sticks.',
  },
  {
    key: 'pace',
    what: {
      NEW_LEARNERS: 'Slow down on the parts of the topic that use new words, and define each word once.',
      EXPERIENCED_LEARNERS: 'Move quickly through what learners know about the topic and slow down where they disagree.',
      MIXED: 'Watch the room while teaching the topic and adjust the pace to the quietest learners.',
    },
    how: 'Pause every ten minutes and ask whether to go faster or slower.',
    why: 'The right pace keeps both the quick and the careful learners with you.',
  },
];

/** The tip text of a move in a tone and for an audience. */
function write(move: Move, tone: CoachingTipTone, audience: CoachingTipAudience): string {
  const what = move.what[audience];
  if (tone === 'DIRECT') return what;
  if (tone === 'PRACTICAL') return `${what} ${move.how}`;
  return `${what} ${move.why}`;
}

/** Every tip the local generator can write for a tone and audience (the demo data uses them too). */
export function localTipTexts(tone: CoachingTipTone, audience: CoachingTipAudience): string[] {
  return MOVES.map((move) => write(move, tone, audience));
}

/**
 * The local generator: the moves in an order fixed by the topic's id (so topics start from
 * different tips), skipping texts the topic already has. Twelve moves, so twelve tips per
 * topic, tone and audience at most. The same text for two topics is the same tip, stored once.
 */
export function createLocalTipGenerator(): TipGenerator {
  return {
    async generate(request) {
      const rank = (move: Move) => createHash('sha256').update(`${request.topicId}:${move.key}`).digest('hex');
      return [...MOVES]
        .sort((a, b) => (rank(a) < rank(b) ? -1 : 1))
        .map((move) => write(move, request.tone, request.audience))
        .filter((text) => !request.existing.has(text))
        .slice(0, request.count)
        .map((text) => ({ text, tone: request.tone, audience: request.audience }));
    },
  };
}
