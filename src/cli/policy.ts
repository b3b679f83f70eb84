/** `clarion policy ...`: the operator's contract, checked and tried before it is put in force. */
import { group } from './framework/command.js';
import { card } from './policy/card.js';
import { check } from './policy/check.js';
import { history } from './policy/history.js';
import { suggestCommand as suggest } from './policy/suggest.js';
import { test } from './policy/test.js';

export default group({
  commands: { check, test, card, history, suggest },
});
