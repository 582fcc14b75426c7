import { BankFileError, type BankFileEvent, type MessageReader } from './bank-file-events.js';

/**
 * Transaction statuses (`ExternalPaymentTransactionStatus1Code`) that mean the bank took the transfer
 * on: accepted after customer profile checks (ACCP), settlement in process (ACSP), settled on the
 * debtor's account (ACSC), accepted with a change (ACWC). ACTC (only the syntax checked), RCVD and
 * PDNG say nothing yet and give no event.
 */
const ACCEPTED = new Set(['ACCP', 'ACSC', 'ACSP', 'ACWC']);

const GROUP = 'OrgnlGrpInfAndSts';
const BLOCK = 'OrgnlPmtInfAndSts';
const TRANSACTION = `${BLOCK}/TxInfAndSts`;

/**
 * Reads a Customer Payment Status Report (`pain.002.001.03`, root `CstmrPmtStsRpt`): the group
 * status of the original file, then per payment information block its status and its transactions'.
 * A transaction without a status of its own has its block's, or else the group's.
 */
export function pain002Reader(emit: (event: BankFileEvent) => void): MessageReader {
  let messageId: string | null = null;
  const group = {
    originalMessageId: null as string | null,
    status: null as string | null,
    reason: null as string | null,
  };
  let block = {
    id: null as string | null,
    status: null as string | null,
    reason: null as string | null,
    told: false,
  };
  let transaction = {
    endToEndId: null as string | null,
    status: null as string | null,
    reason: null as string | null,
  };
  let fileTold = false;

  /** A rejected block is told once, before its transactions or at its end when it lists none. */
  function tellBlock(): void {
    if (block.told || block.status !== 'RJCT') return;
    block.told = true;
    emit({
      kind: 'file_rejected',
      originalMessageId: group.originalMessageId as string, // told after the group, which has it
      originalPaymentInformationId: block.id,
      reasonCode: block.reason,
    });
  }

  return {
    open(path) {
      if (path === BLOCK) {
        if (!fileTold) throw new BankFileError(`The pain.002 file has no ${GROUP} before its payment blocks`);
        block = { id: null, status: null, reason: null, told: false };
      }
      if (path === TRANSACTION) {
        tellBlock();
        transaction = { endToEndId: null, status: null, reason: null };
      }
    },
    close(path, text) {
      switch (path) {
        case 'GrpHdr/MsgId':
          messageId = text;
          break;
        case `${GROUP}/OrgnlMsgId`:
          group.originalMessageId = text;
          break;
        case `${GROUP}/GrpSts`:
          group.status = text;
          break;
        case `${GROUP}/StsRsnInf/Rsn/Cd`:
        case `${GROUP}/StsRsnInf/Rsn/Prtry`:
          group.reason ??= text;
          break;
        case GROUP:
          if (messageId === null) throw new BankFileError('The pain.002 file has no GrpHdr/MsgId');
          if (!group.originalMessageId)
            throw new BankFileError(`The pain.002 file has no ${GROUP}/OrgnlMsgId`);
          fileTold = true;
          emit({ kind: 'file', type: 'pain.002', messageId, originalMessageId: group.originalMessageId });
          if (group.status === 'RJCT')
            emit({
              kind: 'file_rejected',
              originalMessageId: group.originalMessageId,
              originalPaymentInformationId: null,
              reasonCode: group.reason,
            });
          break;
        case `${BLOCK}/OrgnlPmtInfId`:
          block.id = text;
          break;
        case `${BLOCK}/PmtInfSts`:
          block.status = text;
          break;
        case `${BLOCK}/StsRsnInf/Rsn/Cd`:
        case `${BLOCK}/StsRsnInf/Rsn/Prtry`:
          block.reason ??= text;
          break;
        case BLOCK:
          tellBlock();
          break;
        case `${TRANSACTION}/OrgnlEndToEndId`:
          transaction.endToEndId = text;
          break;
        case `${TRANSACTION}/TxSts`:
          transaction.status = text;
          break;
        case `${TRANSACTION}/StsRsnInf/Rsn/Cd`:
        case `${TRANSACTION}/StsRsnInf/Rsn/Prtry`:
          transaction.reason ??= text;
          break;
        case TRANSACTION:
          tellTransaction();
          break;
      }
    },
    end() {
      if (!fileTold) throw new BankFileError(`The pain.002 file has no ${GROUP}`);
    },
  };

  function tellTransaction(): void {
    const status = transaction.status ?? block.status ?? group.status;
    if (status === null || (status !== 'RJCT' && !ACCEPTED.has(status))) return;
    const { endToEndId } = transaction;
    if (!endToEndId)
      throw new BankFileError(
        `A ${status} transaction in payment block ${block.id ?? '(no OrgnlPmtInfId)'} has no OrgnlEndToEndId`,
      );
    emit(
      status === 'RJCT'
        ? { kind: 'rejected', endToEndId, reasonCode: transaction.reason ?? block.reason ?? group.reason }
        : { kind: 'accepted', endToEndId, status },
    );
  }
}
