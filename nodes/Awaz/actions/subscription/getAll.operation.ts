import { CALL_HOOKS_PATH } from '../../../shared/endpoints';
import { unpagedListOperation } from '../listOperation';

export const getAll = unpagedListOperation('subscription', CALL_HOOKS_PATH);
