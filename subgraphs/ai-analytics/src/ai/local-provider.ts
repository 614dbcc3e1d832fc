// The model that needs no network: it composes the answer from the passages retrieval found,
// one line per course with the words of its document that matched. Deterministic: the same
// question over the same catalogue gives the same answer, so tests and demos can rely on it.
import { estimatePromptTokens, estimateTokens, type CompletionOptions, type ModelChunk, type ModelMessage, type ModelProvider, type Passage } from './model-provider.js';

/** Longest reason shown for one course, in characters. */
const REASON_MAX = 180;

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();

function reasonOf(passage: Passage): string {
  const line = oneLine(passage.excerpt);
  return line.length > REASON_MAX ? `${line.slice(0, REASON_MAX - 1).trimEnd()}…` : line;
}

/** The answer's lines: an opening, one line per course, a closing. */
export function composeAnswer(question: string, passages: readonly Passage[]): string[] {
  const asked = oneLine(question);
  const shown = asked.length > 80 ? `${asked.slice(0, 79).trimEnd()}…` : asked;
  if (passages.length === 0) {
    return [`I found no course in the catalogue that matches “${shown}”.`, ' Try other words, or browse the catalogue by topic.'];
  }
  const lines = [passages.length === 1 ? `One course in the catalogue matches “${shown}”:\n` : `${passages.length} courses in the catalogue match “${shown}”:\n`];
  passages.forEach((p, i) => lines.push(`${i + 1}. ${p.title} (/courses/${p.slug}): ${reasonOf(p)}\n`));
  lines.push('Open a course for its outline, sessions and price.');
  return lines;
}

/** The local provider: retrieval's passages, composed into an answer; no network. */
export class LocalModelProvider implements ModelProvider {
  readonly name = 'local';

  async *complete(messages: readonly ModelMessage[], options: CompletionOptions): AsyncIterable<ModelChunk> {
    const question = [...messages].reverse().find((m) => m.role === 'user')?.content ?? '';
    const lines = composeAnswer(question, options.passages);
    const text = lines.join('');
    if (options.stream) {
      for (const line of lines) {
        options.signal?.throwIfAborted();
        yield { kind: 'text', text: line };
        // Lets the event loop deliver each chunk on its own, as a remote model's would arrive.
        await new Promise((resolve) => setImmediate(resolve));
      }
    } else {
      yield { kind: 'text', text };
    }
    // Counted on the whole text, so a streamed answer costs what the same answer whole does.
    yield { kind: 'usage', usage: { promptTokens: estimatePromptTokens(messages), completionTokens: estimateTokens(text) } };
  }
}
