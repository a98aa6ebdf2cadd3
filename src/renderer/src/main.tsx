import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { StudioApiProvider } from './api/context';
import { connectStudioApi } from './api/studio-api';
import { ignoreSparkTeardownRejections } from './components/viewport/spark-teardown';
import { StudioSelectionProvider } from './state/studio-selection';
import './styles.css';

ignoreSparkTeardownRejections(window);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <StudioApiProvider api={connectStudioApi()}>
      <StudioSelectionProvider>
        <App />
      </StudioSelectionProvider>
    </StudioApiProvider>
  </StrictMode>,
);
