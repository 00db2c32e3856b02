import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { engine, uiTracer } from './api/client.js';
import { offerGpuExtractor } from './gpu/offer.js';
import './styles.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);

// The window's GPU extracts page text for ingests that ask for it ('gpu' or 'auto'), from a worker off the UI thread.
offerGpuExtractor(engine, uiTracer);
