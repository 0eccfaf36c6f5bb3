/** What the cluster configuration means for Zimbra: the DRBD resource that carries it, its mail domain. */
import { ClusterConfig } from "./config";
import { ZIMBRA_DIR, ZimbraConfig } from "./zimbra-config";

/** The DRBD resource whose filesystem carries /opt/zimbra (mounted on it, or on /opt). */
export function zimbraResource(cfg: ClusterConfig) {
  return (
    cfg.drbd.resources.find((r) => r.mountPoint === ZIMBRA_DIR) ??
    cfg.drbd.resources.find((r) => r.mountPoint === "/opt")
  );
}

/** Mail domain: configured, or the service FQDN without its host label. */
export function zimbraDomain(cfg: ClusterConfig, zimbra: ZimbraConfig): string {
  return zimbra.domain ?? cfg.service.fqdn.split(".").slice(1).join(".");
}
