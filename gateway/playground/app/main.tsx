// The playground page: GraphiQL with the explorer, the sign-in helper and the examples, served
// by the gateway from its own origin (nothing is loaded from any other host).
import './workers';
import { explorerPlugin } from '@graphiql/plugin-explorer';
import { GraphiQL, HISTORY_PLUGIN } from 'graphiql';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import 'graphiql/style.css';
import '@graphiql/plugin-explorer/style.css';
import './playground.css';
import { EXAMPLES, variablesOf } from './examples';
import { examplesPlugin } from './examples-plugin';
import { fetcher } from './fetcher';
import { keepSessionInHeaders, signInPlugin } from './sign-in';

// Passing plugins replaces GraphiQL's default list (the history): it is named again.
const plugins = [signInPlugin, examplesPlugin, explorerPlugin(), HISTORY_PLUGIN];
// The first example of each kind of user opens as a tab on a first visit.
const defaultTabs = EXAMPLES.filter((example, i) => EXAMPLES.findIndex((other) => other.audience === example.audience) === i).map((example) => ({
  query: example.query,
  variables: variablesOf(example),
}));

createRoot(document.getElementById('playground')!).render(
  <StrictMode>
    <GraphiQL fetcher={fetcher as never} plugins={plugins} defaultTabs={defaultTabs} defaultHeaders="" onTabChange={keepSessionInHeaders} />
  </StrictMode>,
);
