/** The unit that runs fencer-check.sh each time pacemaker.service starts (see the script for why). */
import { renderTemplate } from "./template";
import { TOOLS_DIR } from "../host-paths";

/** How long the check waits for the fencer to answer after pacemaker.service started. */
const FENCER_CHECK_WAIT_SECONDS = 300;

export function renderFencerCheckUnit(): string {
  return renderTemplate("fencer-check.service.mustache", {
    toolsDir: TOOLS_DIR,
    waitSeconds: FENCER_CHECK_WAIT_SECONDS,
  });
}
