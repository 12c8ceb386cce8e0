// What the nodes use of the transport; the modules behind it are its own business.
export { AwazApiError, mayHaveBeenCarriedOut } from './errors';
export { answerToJson, listItems } from './items';
export { keyWindowReader } from './keyLimit';
export type { KeyWindow } from './share';
export { DOCUMENTED_LIMIT_PER_MINUTE, KeyShare, ReadPacer, readsPerMinute } from './share';
export { awazPages } from './paging';
export { sleepCancellable } from './rateLimit';
export { awazApiRequest } from './request';
export type { AwazRequest, RequestScope, TransportSettings } from './types';
export { UNCANCELLABLE_WAITS } from './types';
