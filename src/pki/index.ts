export { CertificateAuthority, DEFAULT_LIFETIME_MS } from './certificate-authority.js';
export type { CaOptions, LeafOptions, ValidityOptions } from './certificate-authority.js';
export { Certificate, issueCertificate, keyIdentifierOf, randomSerialNumber } from './certificate.js';
export { Credential } from './credential.js';
export { formatName, toDistinguishedName } from './distinguished-name.js';
export type { DistinguishedName } from './distinguished-name.js';
export { toPem, fromPem } from './der.js';
export type { ExtendedKeyUsage, KeyUsage, SubjectAltNames } from './extensions.js';
export { issueFleet } from './fleet.js';
export type { FleetOptions } from './fleet.js';
export {
  KEY_ALGORITHMS,
  generateKeyPairInPool,
  generateKeyPairNow,
  isKeyAlgorithm,
  keyAlgorithmOf,
} from './key-algorithm.js';
export type { KeyAlgorithm, KeyPair } from './key-algorithm.js';
export { buildLabPki, LAB_DEFAULTS } from './lab-pki.js';
export { readPkiIssuer, type PkiIssuerFiles } from './pki-issuer-files.js';
export type { LabPki, LabPkiSpec } from './lab-pki.js';
export { describeLabPki, makeLabPkiTempDir, removeLabPkiDir, writeLabPki } from './lab-pki-files.js';
export type { CredentialFiles, LabPkiFiles } from './lab-pki-files.js';
export { REVOCATION_REASONS, normaliseSerial } from './revocation.js';
export type { CertificateStatus, Revocation, RevocationReason } from './revocation.js';
export { exportPkcs12 } from './pkcs12.js';
export type { Pkcs12Options } from './pkcs12.js';
export { splitPemBundle, trustBundlePem } from './trust-bundle.js';
export { Crl, issueCrl } from './crl.js';
export type { CrlOptions } from './crl.js';
export { buildOcspRequest, certIdMatchesIssuer, parseOcspRequest } from './ocsp-request.js';
export type { OcspCertId, OcspIssuerKeyId, OcspRequestInfo, OcspRequestOptions } from './ocsp-request.js';
export { buildOcspErrorResponse, buildOcspResponse, parseOcspResponse } from './ocsp-response.js';
export type {
  OcspErrorStatus,
  OcspResponseOptions,
  OcspResponseStatus,
  OcspSingleStatus,
  ParsedOcspResponse,
} from './ocsp-response.js';
export { certificateFromDer, certificateFromPem } from './certificate-from-der.js';
export { describeFetchError, queryOcsp } from './ocsp-query.js';
export type { OcspPost, OcspQueryOptions, OcspQueryResult } from './ocsp-query.js';
export { checkCrl } from './crl-check.js';
export { authorityKeyIdOf, crlDistributionPointsOf } from './read-extensions.js';
export type { CrlVerdict } from './crl-check.js';
