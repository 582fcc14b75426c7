/**
 * The executor's reserved concurrency (its ceiling too): in the topology, and read by the connector
 * wiring to give each executor container its share of a provider's rate. Its own module so the
 * executor does not bundle the whole topology for one number.
 */
export const EXECUTOR_RESERVED_CONCURRENCY = 10;
