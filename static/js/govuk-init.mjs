// Starts GOV.UK Frontend's components (error summary focus, character count, service navigation
// toggle, ...). An external module, never an inline script: the Content-Security-Policy allows
// scripts from this site only. Browsers without module support skip it and get the plain pages.
import { initAll } from "../vendor/govuk-frontend/js/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();
