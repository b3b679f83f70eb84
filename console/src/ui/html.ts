/** htm bound to Preact: JSX-like templates without a compile step. */
export { html } from 'htm/preact';
