const ROLES = ['admin', 'editor'];
const MAX_TITLE_LENGTH = 80;
const DEFAULT_STATUS = 'draft';

exports.ROLES = ROLES;
exports.MAX_TITLE_LENGTH = MAX_TITLE_LENGTH;
exports.DEFAULT_STATUS = DEFAULT_STATUS;
