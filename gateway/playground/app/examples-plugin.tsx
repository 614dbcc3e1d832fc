import { useGraphiQL, useGraphiQLActions, type GraphiQLPlugin } from '@graphiql/react';
import { EXAMPLES, variablesOf, type Example } from './examples';

function ExamplesPanel() {
  const { queryEditor, variableEditor } = useGraphiQL((s) => ({ queryEditor: s.queryEditor, variableEditor: s.variableEditor }));
  const { addTab } = useGraphiQLActions();
  const open = (example: Example) => {
    // addTab fills the editors with the new, empty tab before returning.
    addTab();
    queryEditor?.setValue(example.query);
    variableEditor?.setValue(variablesOf(example));
  };
  const audiences = [...new Set(EXAMPLES.map((example) => example.audience))];
  return (
    <section className="playground-examples">
      <h2>Examples</h2>
      {audiences.map((audience) => (
        <div key={audience}>
          <h3>{audience}</h3>
          <ul>
            {EXAMPLES.filter((example) => example.audience === audience).map((example) => (
              <li key={example.title}>
                <button type="button" className="graphiql-button" onClick={() => open(example)}>
                  {example.title}
                </button>
              </li>
            ))}
          </ul>
        </div>
      ))}
    </section>
  );
}

function BookIcon() {
  return (
    <svg viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="1.5" aria-hidden="true">
      <path d="M4 5a2 2 0 0 1 2-2h14v16H6a2 2 0 0 0-2 2V5z" />
      <path d="M4 21a2 2 0 0 1 2-2h14" />
    </svg>
  );
}

/** Example operations per kind of user; each opens in a new tab. */
export const examplesPlugin: GraphiQLPlugin = { title: 'Examples', icon: BookIcon, content: ExamplesPanel };
