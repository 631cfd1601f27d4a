import { describe, expect, it } from 'vitest';
import { categoryOfVerifyCode, categoryOfVerifyNumber } from '../../../src/lab/verify-error-category.js';

describe('verify error categories', () => {
  it.each([
    ['CERT_HAS_EXPIRED', 'cert_expired'],
    ['CERT_NOT_YET_VALID', 'cert_not_yet_valid'],
    ['UNABLE_TO_GET_ISSUER_CERT', 'unknown_ca'],
    ['UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'unknown_ca'],
    ['SELF_SIGNED_CERT_IN_CHAIN', 'unknown_ca'],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'unknown_ca'],
    ['CERT_REVOKED', 'cert_revoked'],
    ['UNABLE_TO_GET_CRL', 'ocsp_unavailable'],
    ['INVALID_PURPOSE', 'bad_certificate'],
    ['SOMETHING_NEW', 'bad_certificate'],
  ])("Node's %s is %s", (code, category) => {
    expect(categoryOfVerifyCode(code)).toBe(category);
  });

  it.each([
    [10, 'cert_expired'],
    [9, 'cert_not_yet_valid'],
    [23, 'cert_revoked'],
    [20, 'unknown_ca'],
    [21, 'unknown_ca'],
    [2, 'unknown_ca'],
    [26, 'bad_certificate'],
    [999, 'bad_certificate'],
  ])("nginx's verify error %i is %s", (number, category) => {
    expect(categoryOfVerifyNumber(number)).toBe(category);
  });
});
