import { PHONES_PATH } from '../../../shared/endpoints';
import { unpagedListOperation } from '../common';

export const getAll = unpagedListOperation('phone', PHONES_PATH);
