import { InternalError } from '@sigstore/sign';
import { UserError } from '../core/errors';
import { inertText } from '../core/untrusted-text';

const WHAT: Record<string, string> = {
  CA_CREATE_SIGNING_CERTIFICATE_ERROR: 'Fulcio refused to issue a signing certificate',
  TLOG_CREATE_ENTRY_ERROR: 'Rekor refused the transparency log entry',
  TLOG_FETCH_ENTRY_ERROR: 'cannot read the existing Rekor entry',
  TSA_CREATE_TIMESTAMP_ERROR: 'the timestamp authority refused to timestamp the signature',
  IDENTITY_TOKEN_READ_ERROR: 'cannot get an OIDC identity token',
  IDENTITY_TOKEN_PARSE_ERROR: 'the OIDC identity token is not a JWT',
};

/**
 * One line for a @sigstore/sign failure, never carrying the identity token (the library puts it in
 * some messages). Token problems are the user's to fix (permissions), hence UserError.
 */
export function signingError(err: unknown): Error {
  if (err instanceof UserError) return err;
  if (err instanceof InternalError) {
    const cause = err.cause instanceof Error ? err.cause.message : err.cause === undefined ? '' : String(err.cause);
    const what = WHAT[err.code] ?? inertText(err.message, { max: 300 });
    const detail = err.code === 'IDENTITY_TOKEN_PARSE_ERROR' ? '' : cause ? `: ${inertText(cause, { max: 300 })}` : '';
    if (err.code === 'IDENTITY_TOKEN_READ_ERROR' || err.code === 'IDENTITY_TOKEN_PARSE_ERROR') {
      return new UserError(`${what}${detail}; in GitHub Actions grant the job 'permissions: id-token: write'`);
    }
    return new Error(`${what}${detail}`);
  }
  return new Error(inertText(err instanceof Error ? err.message : String(err), { max: 2000 }));
}
