/**
 * Who may talk to the API server and how it proves who it is: the cluster's certificate authority
 * and serving certificate ({@link io.skiff.apiserver.auth.Pki}), the admin bearer token ({@link
 * io.skiff.apiserver.auth.AdminToken}) and the filter that turns away requests without a valid one
 * ({@link io.skiff.apiserver.auth.TokenAuthenticator}).
 */
package io.skiff.apiserver.auth;
