// Webredigeringen starter Decap CMS selv (politiradet-cms.js), etter at statusskjemaet er lagt til.
window.CMS_MANUAL_INIT = true;
