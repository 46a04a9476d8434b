/**
 * The API version, which is also the REST API's stage name: a manifest path
 * is the full public path `/v1/...`, and API Gateway serves it as stage `v1`
 * plus the resource path after it.
 */
export const API_STAGE = 'v1';
