import { PHONES_PATH } from '../../../shared/endpoints';
import { unpagedListOperation } from '../listOperation';

export const getAll = unpagedListOperation('phone', PHONES_PATH);
