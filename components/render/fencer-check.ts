/** The unit that runs fencer-check.sh each time pacemaker.service starts (see the script for why). */
import { TOOLS_DIR } from "./bundle";
import { renderTemplate } from "./template";

export const FENCER_CHECK_UNIT_NAME = "zimbra-ha-fencer-check.service";
export const FENCER_CHECK_UNIT = `/etc/systemd/system/${FENCER_CHECK_UNIT_NAME}`;
/** How long the check waits for the fencer to answer after pacemaker.service started. */
const FENCER_CHECK_WAIT_SECONDS = 300;

export function renderFencerCheckUnit(): string {
  return renderTemplate("fencer-check.service.mustache", {
    toolsDir: TOOLS_DIR,
    waitSeconds: FENCER_CHECK_WAIT_SECONDS,
  });
}
