/** Types shared by the analyzers and the engine. Pure. */
import type { Finding } from '../findings';
import type { K8sObject, MeshConfig } from '../types';
import type { AnalysisContext } from './context';
import type { SchemaIndex } from '../schema/types';

export interface Analyzer {
  /** istioctl's analyzer metadata name where one exists ("virtualservice.DestinationHostAnalyzer"), else "meshboard.X". */
  readonly name: string;
  /** Other names this analyzer answers to: Istio's Go type names as used in its test table. */
  readonly aliases?: readonly string[];
  readonly description: string;
  /** Every code run() can emit. */
  readonly codes: readonly string[];
  /** Left out of the default set (like istioctl's maturity.AlphaAnalyzer); still runs when named. */
  readonly optIn?: boolean;
  /**
   * Kinds ("Secret", or "group/Kind") without which run() would report wrong findings:
   * when the input could not hold them (AnalyzeOptions.unreadKinds) the analyzer is
   * skipped, as istioctl skips an analyzer whose input collection is not in its snapshot.
   */
  readonly requires?: readonly string[];
  run(ctx: AnalysisContext): Finding[];
}

/** MeshNetworks as Istio reads it (the meshNetworks ConfigMap key). */
export interface MeshNetworks {
  networks?: Record<
    string,
    {
      endpoints?: Array<{ fromRegistry?: string; fromCidr?: string }>;
      gateways?: Array<{ registryServiceName?: string; registry_service_name?: string; address?: string; port?: number }>;
    }
  >;
}

export interface AnalyzeOptions {
  /** Replaces the default mesh config (like istioctl analyze --meshConfigFile). */
  meshConfig?: MeshConfig;
  meshNetworks?: MeshNetworks;
  /** Names (or aliases) of the analyzers to run; default: every analyzer that is not opt-in. */
  analyzers?: readonly string[];
  /**
   * Add the synthetic istio-ingressgateway Service and Pod that istioctl adds
   * (AddDefaultResources). Default true; a live cluster has the real ones, pass false there.
   */
  defaultResources?: boolean;
  /** CRD schemas for schema validation (IST0106); default: the bundled Istio CRDs. */
  schemas?: SchemaIndex;
  /** The time used for certificate expiry checks (ms since epoch). Default: now. */
  now?: number;
  /** Honour the galley.istio.io/analyze-suppress annotation (default true). */
  honourSuppressAnnotation?: boolean;
  /**
   * Findings with the same level, code, resource and message are one, as istioctl removes
   * duplicate messages before reporting (e.g. IST0101 "selector not found" from both
   * gateway analyzers). This tells such findings apart where istioctl would print them
   * differently: the CLI returns their file:line (istioctl keeps same-text messages on
   * different lines of a file). Called only for findings that are otherwise equal and
   * have different paths (it must depend on resource and path only).
   */
  dedupeKey?: (f: Finding) => string;
  /**
   * Kinds the input could not hold, "Secret" or "group/Kind": a cluster that forbids
   * listing them, the console's watch cache (it keeps no Secrets), files with none of
   * them. Analyzers that require one are skipped (onSkip says which) rather than report
   * every reference to one as not found.
   */
  unreadKinds?: readonly string[];
  /**
   * Kinds whose objects carry metadata only (the console's Secrets: name, namespace,
   * labels, never data). Analyzers check that they exist, not what they hold.
   */
  metadataOnlyKinds?: readonly string[];
  /** Told of each analyzer skipped for unreadKinds, with the kinds it lacked. */
  onSkip?: (analyzer: string, kinds: readonly string[]) => void;
  /** Called before each analyzer runs and once at the end (with undefined); used by the benchmark to sample memory. */
  onProgress?: (analyzer: string | undefined) => void;
}

export type { AnalysisContext, K8sObject };
