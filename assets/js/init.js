// Start GOV.UK Frontend's components. Loaded as a module so a strict CSP holds (no inline script).
import { initAll } from "./govuk-frontend.min.js";

initAll();
