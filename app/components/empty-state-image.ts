// A small inline illustration for empty states (no request to a CDN): a chart with no bars yet.
const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="226" height="160" viewBox="0 0 226 160">
<rect x="18" y="18" width="190" height="124" rx="10" fill="#f1f2f4"/>
<path d="M40 122h146" stroke="#c9cccf" stroke-width="3" stroke-linecap="round"/>
<rect x="52" y="92" width="20" height="24" rx="3" fill="#d2d5d8"/>
<rect x="84" y="74" width="20" height="42" rx="3" fill="#d2d5d8"/>
<rect x="116" y="84" width="20" height="32" rx="3" fill="#d2d5d8"/>
<rect x="148" y="58" width="20" height="58" rx="3" fill="#d2d5d8"/>
<circle cx="176" cy="40" r="12" fill="#91d0ff"/>
</svg>`;

export const EMPTY_STATE_IMAGE = `data:image/svg+xml,${encodeURIComponent(svg)}`;
