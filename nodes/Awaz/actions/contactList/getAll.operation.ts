import { CONTACT_LISTS_PATH } from '../../../shared/endpoints';
import { unpagedListOperation } from '../listOperation';

export const getAll = unpagedListOperation('contactList', CONTACT_LISTS_PATH);
