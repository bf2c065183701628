/* Real authenticator outputs for the WebAuthn tests, captured from Debian's
 * chromium and its CTAP2 virtual authenticator by
 * tests/browser/tools/capture_webauthn.mjs (rerun it to refresh them; the
 * origin's port is whatever that run got). All base64url. Each credential
 * registered once ("none" or "direct" attestation, the latter giving "packed"
 * with an x5c chain) and then signed in once. Also read by
 * fuzz/make_corpus.py for the webauthn seeds. */
#ifndef OIDCD_TESTS_WEBAUTHN_VECTORS_H
#define OIDCD_TESTS_WEBAUTHN_VECTORS_H

#define WA_ORIGIN "http://localhost:46881"
#define WA_RP_ID "localhost"
/* 32 bytes of 0xa1 and of 0xb2 */
#define WA_REG_CHALLENGE "oaGhoaGhoaGhoaGhoaGhoaGhoaGhoaGhoaGhoaGhoaE"
#define WA_GET_CHALLENGE "srKysrKysrKysrKysrKysrKysrKysrKysrKysrKysrI"

struct wa_vector {
    const char *name;
    int alg; /* COSE */
    const char *attestation_kind; /* "none" or "packed" */
    const char *cred_id, *reg_client_data, *attestation;
    const char *get_client_data, *auth_data, *signature;
};

static const struct wa_vector wa_vectors[] = {
    {"es256_none", -7, "none",
     /* cred_id */ "DUJj9gPShhffv8AmnRxloLwVIrsvDzilGhomOhsUkXY",
     /* reg_client_data */ "eyJ0eXBlIjoid2ViYXV0aG4uY3JlYXRlIiwiY2hhbGxlbmdlIjoib2FHaG9hR2hvYUdob2FHaG9hR2hvYUdob2FH"
                           "aG9hR2hvYUdob2FHaG9hRSIsIm9yaWdpbiI6Imh0dHA6Ly9sb2NhbGhvc3Q6NDY4ODEiLCJjcm9zc09yaWdpbiI6"
                           "ZmFsc2V9",
     /* attestation */ "o2NmbXRkbm9uZWdhdHRTdG10oGhhdXRoRGF0YVikSZYN5YgOjGh0NBcPZHZgW4_krrmihjLHmVzzuoMdl2NFAAAA"
                       "AQECAwQFBgcIAQIDBAUGBwgAIA1CY_YD0oYX37_AJp0cZaC8FSK7Lw84pRoaJjobFJF2pQECAyYgASFYIOI0Oek2"
                       "rt2Q72fy4x6sCtcPMQzE6xoMMBOgg7SFlY-BIlggh3K6ry1fhh8mtT5-HRJNyv3-8MYXi4sy6BynmbgzXGo",
     /* get_client_data */ "eyJ0eXBlIjoid2ViYXV0aG4uZ2V0IiwiY2hhbGxlbmdlIjoic3JLeXNyS3lzckt5c3JLeXNyS3lzckt5c3JLeXNy"
                           "S3lzckt5c3JLeXNySSIsIm9yaWdpbiI6Imh0dHA6Ly9sb2NhbGhvc3Q6NDY4ODEiLCJjcm9zc09yaWdpbiI6ZmFs"
                           "c2V9",
     /* auth_data */ "SZYN5YgOjGh0NBcPZHZgW4_krrmihjLHmVzzuoMdl2MFAAAAAg",
     /* signature */ "MEUCIDDyQrN0pGU3JmYAn8zOTuU6nuGrZAkIZcK6bjTbrNA_AiEAvpUpUqX2uNBkeRGT8H6gbZo8X1oF8KnaL43Y"
                     "gmXMCgg",
    },
    {"es256_direct", -7, "packed",
     /* cred_id */ "dbXBm5xla4hBvVHRW2ksEfaSxuFQOp1pSdSViWipdG8",
     /* reg_client_data */ "eyJ0eXBlIjoid2ViYXV0aG4uY3JlYXRlIiwiY2hhbGxlbmdlIjoib2FHaG9hR2hvYUdob2FHaG9hR2hvYUdob2FH"
                           "aG9hR2hvYUdob2FHaG9hRSIsIm9yaWdpbiI6Imh0dHA6Ly9sb2NhbGhvc3Q6NDY4ODEiLCJjcm9zc09yaWdpbiI6"
                           "ZmFsc2V9",
     /* attestation */ "o2NmbXRmcGFja2VkZ2F0dFN0bXSjY2FsZyZjc2lnWEcwRQIhAK1bd9bxDw9BJHnAJ57-t7mZIRh11NhB0NObrOME"
                       "Zq2uAiAWmCkThDViamV3u6Z9N03QDSw-dlzYGYfRSphkA6lwLWN4NWOBWQHZMIIB1TCCAXqgAwIBAgIBATAKBggq"
                       "hkjOPQQDAjBgMQswCQYDVQQGEwJVUzERMA8GA1UECgwIQ2hyb21pdW0xIjAgBgNVBAsMGUF1dGhlbnRpY2F0b3Ig"
                       "QXR0ZXN0YXRpb24xGjAYBgNVBAMMEUJhdGNoIENlcnRpZmljYXRlMB4XDTE3MDcxNDAyNDAwMFoXDTQ2MTEyNzEw"
                       "MzM1NVowYDELMAkGA1UEBhMCVVMxETAPBgNVBAoMCENocm9taXVtMSIwIAYDVQQLDBlBdXRoZW50aWNhdG9yIEF0"
                       "dGVzdGF0aW9uMRowGAYDVQQDDBFCYXRjaCBDZXJ0aWZpY2F0ZTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABI1h"
                       "fmXJUI5kvMVnOsgqZ5naPBRGaCwljEY__99Y39L6Pmw3i1PXlcSk3_tBme3Xhi8jq68CA7S4kRugVpmU4QGjJTAj"
                       "MAwGA1UdEwEB_wQCMAAwEwYLKwYBBAGC5RwCAQEEBAMCAwgwCgYIKoZIzj0EAwIDSQAwRgIhANaVo7pcohW56ztF"
                       "S7bO_RL_AuGZZZwMr5kRnLn697RHAiEA1KT_3mefRXKb3JZIsWv_Qbj_sPJk1sQgwOZXRpFrb0loYXV0aERhdGFY"
                       "pEmWDeWIDoxodDQXD2R2YFuP5K65ooYyx5lc87qDHZdjRQAAAAEBAgMEBQYHCAECAwQFBgcIACB1tcGbnGVriEG9"
                       "UdFbaSwR9pLG4VA6nWlJ1JWJaKl0b6UBAgMmIAEhWCCNfCu60PErT-ZlE-snNBssdLli7XvIfNHuDmnM7P4ugSJY"
                       "IKfmIa7HQXZRIF7lWqJXEzKDTEwlvivcbSSwLPC_2j3s",
     /* get_client_data */ "eyJ0eXBlIjoid2ViYXV0aG4uZ2V0IiwiY2hhbGxlbmdlIjoic3JLeXNyS3lzckt5c3JLeXNyS3lzckt5c3JLeXNy"
                           "S3lzckt5c3JLeXNySSIsIm9yaWdpbiI6Imh0dHA6Ly9sb2NhbGhvc3Q6NDY4ODEiLCJjcm9zc09yaWdpbiI6ZmFs"
                           "c2UsIm90aGVyX2tleXNfY2FuX2JlX2FkZGVkX2hlcmUiOiJkbyBub3QgY29tcGFyZSBjbGllbnREYXRhSlNPTiBh"
                           "Z2FpbnN0IGEgdGVtcGxhdGUuIFNlZSBodHRwczovL2dvby5nbC95YWJQZXgifQ",
     /* auth_data */ "SZYN5YgOjGh0NBcPZHZgW4_krrmihjLHmVzzuoMdl2MFAAAAAg",
     /* signature */ "MEUCIF2bnJnGjWj6lAidBy-yarV0NwNGg7XGcgsxLhvIxR2VAiEAsZcddxDauRMKsvNY3om3sMz07gwkZk1gJtsM"
                     "jbtewAw",
    },
    {"eddsa_none", -8, "none",
     /* cred_id */ "BhnarrcmTHaR-Bf0IXDhFIqf0U06qRtF6dHWgWrNygs",
     /* reg_client_data */ "eyJ0eXBlIjoid2ViYXV0aG4uY3JlYXRlIiwiY2hhbGxlbmdlIjoib2FHaG9hR2hvYUdob2FHaG9hR2hvYUdob2FH"
                           "aG9hR2hvYUdob2FHaG9hRSIsIm9yaWdpbiI6Imh0dHA6Ly9sb2NhbGhvc3Q6NDY4ODEiLCJjcm9zc09yaWdpbiI6"
                           "ZmFsc2V9",
     /* attestation */ "o2NmbXRkbm9uZWdhdHRTdG10oGhhdXRoRGF0YViBSZYN5YgOjGh0NBcPZHZgW4_krrmihjLHmVzzuoMdl2NFAAAA"
                       "AQECAwQFBgcIAQIDBAUGBwgAIAYZ2q63Jkx2kfgX9CFw4RSKn9FNOqkbRenR1oFqzcoLpAEBAycgBiFYIGLjehFf"
                       "7zVR9_uogc4X9hTA6xINnFDnIxKBMMJbFQ5x",
     /* get_client_data */ "eyJ0eXBlIjoid2ViYXV0aG4uZ2V0IiwiY2hhbGxlbmdlIjoic3JLeXNyS3lzckt5c3JLeXNyS3lzckt5c3JLeXNy"
                           "S3lzckt5c3JLeXNySSIsIm9yaWdpbiI6Imh0dHA6Ly9sb2NhbGhvc3Q6NDY4ODEiLCJjcm9zc09yaWdpbiI6ZmFs"
                           "c2UsIm90aGVyX2tleXNfY2FuX2JlX2FkZGVkX2hlcmUiOiJkbyBub3QgY29tcGFyZSBjbGllbnREYXRhSlNPTiBh"
                           "Z2FpbnN0IGEgdGVtcGxhdGUuIFNlZSBodHRwczovL2dvby5nbC95YWJQZXgifQ",
     /* auth_data */ "SZYN5YgOjGh0NBcPZHZgW4_krrmihjLHmVzzuoMdl2MFAAAAAg",
     /* signature */ "XZD9M8_hkgNjsITv5jrH11rbn_uyr6MWqPPEblfbs1CH4AjeQ14BLsfbdIB7h5m8jaPlk5agaYGjK0eNJgjdDQ",
    },
    {"eddsa_direct", -8, "packed",
     /* cred_id */ "-4nxXH9_EG5Q5KBE_gyXdl1wyedmKKyY7w4mhFkd01k",
     /* reg_client_data */ "eyJ0eXBlIjoid2ViYXV0aG4uY3JlYXRlIiwiY2hhbGxlbmdlIjoib2FHaG9hR2hvYUdob2FHaG9hR2hvYUdob2FH"
                           "aG9hR2hvYUdob2FHaG9hRSIsIm9yaWdpbiI6Imh0dHA6Ly9sb2NhbGhvc3Q6NDY4ODEiLCJjcm9zc09yaWdpbiI6"
                           "ZmFsc2V9",
     /* attestation */ "o2NmbXRmcGFja2VkZ2F0dFN0bXSjY2FsZyZjc2lnWEcwRQIgUnoMB8-JSZ-58bAEAnjKdfnRTcfSlIdOs6_EDw2u"
                       "QTUCIQD-lXNl_v4TzsuUvxvclfAIIQKngTK_SewPuSXLkqS2fmN4NWOBWQHXMIIB0zCCAXqgAwIBAgIBATAKBggq"
                       "hkjOPQQDAjBgMQswCQYDVQQGEwJVUzERMA8GA1UECgwIQ2hyb21pdW0xIjAgBgNVBAsMGUF1dGhlbnRpY2F0b3Ig"
                       "QXR0ZXN0YXRpb24xGjAYBgNVBAMMEUJhdGNoIENlcnRpZmljYXRlMB4XDTE3MDcxNDAyNDAwMFoXDTQ2MTEyNzEw"
                       "MzM1NlowYDELMAkGA1UEBhMCVVMxETAPBgNVBAoMCENocm9taXVtMSIwIAYDVQQLDBlBdXRoZW50aWNhdG9yIEF0"
                       "dGVzdGF0aW9uMRowGAYDVQQDDBFCYXRjaCBDZXJ0aWZpY2F0ZTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABI1h"
                       "fmXJUI5kvMVnOsgqZ5naPBRGaCwljEY__99Y39L6Pmw3i1PXlcSk3_tBme3Xhi8jq68CA7S4kRugVpmU4QGjJTAj"
                       "MAwGA1UdEwEB_wQCMAAwEwYLKwYBBAGC5RwCAQEEBAMCAwgwCgYIKoZIzj0EAwIDRwAwRAIgA0F73O4Oiq1EIXFE"
                       "QJRTc6-GGn37KGNonrOHYXu5VJMCICbd17XRW36ox2XMGkGyh6BuGqKvkB6jodNmD7i0i8KpaGF1dGhEYXRhWIFJ"
                       "lg3liA6MaHQ0Fw9kdmBbj-SuuaKGMseZXPO6gx2XY0UAAAABAQIDBAUGBwgBAgMEBQYHCAAg-4nxXH9_EG5Q5KBE"
                       "_gyXdl1wyedmKKyY7w4mhFkd01mkAQEDJyAGIVggjkXwdcB84EGY-IRPBCL7XJreyLWxjDTbjZj9fGaisEA",
     /* get_client_data */ "eyJ0eXBlIjoid2ViYXV0aG4uZ2V0IiwiY2hhbGxlbmdlIjoic3JLeXNyS3lzckt5c3JLeXNyS3lzckt5c3JLeXNy"
                           "S3lzckt5c3JLeXNySSIsIm9yaWdpbiI6Imh0dHA6Ly9sb2NhbGhvc3Q6NDY4ODEiLCJjcm9zc09yaWdpbiI6ZmFs"
                           "c2V9",
     /* auth_data */ "SZYN5YgOjGh0NBcPZHZgW4_krrmihjLHmVzzuoMdl2MFAAAAAg",
     /* signature */ "_N_B80QUnJgnpBSArn7v4BQ1Fx6pEsV-raGNAmlik8GMKMkqYO-OolOOjpiXPEB59UK4cUnh7JcX1Pttt4DSAA",
    },
    {"rs256_none", -257, "none",
     /* cred_id */ "6VugxASsst4blKi2FEOA2N8Cq7Buqa3ie1YECjoN43M",
     /* reg_client_data */ "eyJ0eXBlIjoid2ViYXV0aG4uY3JlYXRlIiwiY2hhbGxlbmdlIjoib2FHaG9hR2hvYUdob2FHaG9hR2hvYUdob2FH"
                           "aG9hR2hvYUdob2FHaG9hRSIsIm9yaWdpbiI6Imh0dHA6Ly9sb2NhbGhvc3Q6NDY4ODEiLCJjcm9zc09yaWdpbiI6"
                           "ZmFsc2V9",
     /* attestation */ "o2NmbXRkbm9uZWdhdHRTdG10oGhhdXRoRGF0YVkBZ0mWDeWIDoxodDQXD2R2YFuP5K65ooYyx5lc87qDHZdjRQAA"
                       "AAEBAgMEBQYHCAECAwQFBgcIACDpW6DEBKyy3huUqLYUQ4DY3wKrsG6preJ7VgQKOg3jc6QBAwM5AQAgWQEAyzVT"
                       "6rb6-Jbw27ON-2nB0N6B0aZ-uG_mkaMepqrmo2ywjKlXGoPyr3VpdZHoLczlPESNXrDfn2mg4x-mEe2QlQMuh8dX"
                       "CfETVaX4Iw9iY4IBltsSeMguHyDmJEWuRZUMP2TjC_idt6kHayf8zMqLIxQU2dhz3xafEPgD72RdB87z7i1r94zj"
                       "QTGcjYs1YWkCnUB3gjpg6EzTegPzxJav8s7VKKFHUzNnuJ20qSODro2PmCdDvWJSQADT6eWoeGW_JQiQ0ZtvS89n"
                       "nWEiTAld3DaneLGjIydZFxZX3rDEXWdZAp8Xw8XLoIuhSNrkOlJ0CQ4TLdtXPokON3aPguNu1SFDAQAB",
     /* get_client_data */ "eyJ0eXBlIjoid2ViYXV0aG4uZ2V0IiwiY2hhbGxlbmdlIjoic3JLeXNyS3lzckt5c3JLeXNyS3lzckt5c3JLeXNy"
                           "S3lzckt5c3JLeXNySSIsIm9yaWdpbiI6Imh0dHA6Ly9sb2NhbGhvc3Q6NDY4ODEiLCJjcm9zc09yaWdpbiI6ZmFs"
                           "c2UsIm90aGVyX2tleXNfY2FuX2JlX2FkZGVkX2hlcmUiOiJkbyBub3QgY29tcGFyZSBjbGllbnREYXRhSlNPTiBh"
                           "Z2FpbnN0IGEgdGVtcGxhdGUuIFNlZSBodHRwczovL2dvby5nbC95YWJQZXgifQ",
     /* auth_data */ "SZYN5YgOjGh0NBcPZHZgW4_krrmihjLHmVzzuoMdl2MFAAAAAg",
     /* signature */ "ZLtkNCwfMVBJzHbDuLWL50TfSar1B9qrOQ0pYfnCeJT1JBY6cL2Q52JG9gH0oaCbpCTA_FfJYodVFusbFDXwiUMh"
                     "RR5ybkVk48ePXc1Myinh5uvyUFNhbCHCCMET21QbC6FXHQiWg4pHPgHNSkmlU4CHi1rwTwMwkjBORPbn6UhqB9O1"
                     "0PGwDOzZzdVjvyy0HZgTXl9WaUtoPmV_dm4Sr71E7MkKX8x7r2J4ZZR0UyRpNT01VssgYk2DdfGDeOf95wzzO3cL"
                     "WiMM6NucMaqJheKACW7qhPQ9C9Py5pl1QzCgT3T9iMD7g7Hd62mFysdYvjTJ2o6Pidtg1PaTzjSnyQ",
    },
    {"rs256_direct", -257, "packed",
     /* cred_id */ "cvXmjTny5QfRTKBUWWPBY5kghPBEhFdROyLY4eSnpy8",
     /* reg_client_data */ "eyJ0eXBlIjoid2ViYXV0aG4uY3JlYXRlIiwiY2hhbGxlbmdlIjoib2FHaG9hR2hvYUdob2FHaG9hR2hvYUdob2FH"
                           "aG9hR2hvYUdob2FHaG9hRSIsIm9yaWdpbiI6Imh0dHA6Ly9sb2NhbGhvc3Q6NDY4ODEiLCJjcm9zc09yaWdpbiI6"
                           "ZmFsc2UsIm90aGVyX2tleXNfY2FuX2JlX2FkZGVkX2hlcmUiOiJkbyBub3QgY29tcGFyZSBjbGllbnREYXRhSlNP"
                           "TiBhZ2FpbnN0IGEgdGVtcGxhdGUuIFNlZSBodHRwczovL2dvby5nbC95YWJQZXgifQ",
     /* attestation */ "o2NmbXRmcGFja2VkZ2F0dFN0bXSjY2FsZyZjc2lnWEgwRgIhANUa9L6GEEreUwch8SfwQDZwGkFtHyA8dWrmG6eH"
                       "yD8SAiEAg85rlg72FhmDR7mfo-GXzkAtZquyRddvXCTj4CHwL2tjeDVjgVkB2DCCAdQwggF6oAMCAQICAQEwCgYI"
                       "KoZIzj0EAwIwYDELMAkGA1UEBhMCVVMxETAPBgNVBAoMCENocm9taXVtMSIwIAYDVQQLDBlBdXRoZW50aWNhdG9y"
                       "IEF0dGVzdGF0aW9uMRowGAYDVQQDDBFCYXRjaCBDZXJ0aWZpY2F0ZTAeFw0xNzA3MTQwMjQwMDBaFw00NjExMjcx"
                       "MDMzNTZaMGAxCzAJBgNVBAYTAlVTMREwDwYDVQQKDAhDaHJvbWl1bTEiMCAGA1UECwwZQXV0aGVudGljYXRvciBB"
                       "dHRlc3RhdGlvbjEaMBgGA1UEAwwRQmF0Y2ggQ2VydGlmaWNhdGUwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAASN"
                       "YX5lyVCOZLzFZzrIKmeZ2jwURmgsJYxGP__fWN_S-j5sN4tT15XEpN_7QZnt14YvI6uvAgO0uJEboFaZlOEBoyUw"
                       "IzAMBgNVHRMBAf8EAjAAMBMGCysGAQQBguUcAgEBBAQDAgMIMAoGCCqGSM49BAMCA0gAMEUCIBW76CLCXQ2Njk8-"
                       "eQGuizoCNiYWq57xu5-y2YlsHaSbAiEAjEpCRcPBp-mRJX805IAO5uRrkOIoccf1BGRi_SxE9S9oYXV0aERhdGFZ"
                       "AWdJlg3liA6MaHQ0Fw9kdmBbj-SuuaKGMseZXPO6gx2XY0UAAAABAQIDBAUGBwgBAgMEBQYHCAAgcvXmjTny5QfR"
                       "TKBUWWPBY5kghPBEhFdROyLY4eSnpy-kAQMDOQEAIFkBANeIPybXQt4rEzlJigQ7fYPmSMG8DgxhbMZpniwi6QNA"
                       "hpK4zS7eEPX01s1HwukclA86Tk8laJLf0dOejHmCljYZVERMaA5Kk12VFMrBv_1tgYYKysK-o0iI36chRxqu3FsR"
                       "zGfCijE449nsCVfzzNzR_OKFDFNnWIPiwQ_eQYaqDB218UuFq1DvAAFppX_kxi0OQrFMNqGKfCicbdbSHfNPAEiS"
                       "nXBgRqRem4VrOEwLnLPAvC93R5ZTWyScxp6wNZwREVcAhwTXfAomocqy_4QKKkxvEi713GSjmMF5pw3aqKyG_ZmR"
                       "JXTDFElVH1WiqTOQjtlNG1mZg7IZt8h_HRshQwEAAQ",
     /* get_client_data */ "eyJ0eXBlIjoid2ViYXV0aG4uZ2V0IiwiY2hhbGxlbmdlIjoic3JLeXNyS3lzckt5c3JLeXNyS3lzckt5c3JLeXNy"
                           "S3lzckt5c3JLeXNySSIsIm9yaWdpbiI6Imh0dHA6Ly9sb2NhbGhvc3Q6NDY4ODEiLCJjcm9zc09yaWdpbiI6ZmFs"
                           "c2V9",
     /* auth_data */ "SZYN5YgOjGh0NBcPZHZgW4_krrmihjLHmVzzuoMdl2MFAAAAAg",
     /* signature */ "bZGvexD2WHG393Wqv9wCfWSfaCwmdrrCguL6oET71i-usSo0ZFiVOiBpWOgY0hSjqbpRD6JHVEuoDq_ecsOUArd4"
                     "kmGKc5eLqxUu490H4i74a0EkRx0uPet7dsuU0kyqYBXZmGcB8p21f7xMp9wcAiViBeVM7KsTaVfupHd4krq8KTEg"
                     "BQvqkGWFyEeNFNrWQ6EVEeoBGlvzvGUOIRwSnSwIH1dK9LGf1OiB_61cWm7BmoLrY8mZ049PHnhXIf_maF0ohlVh"
                     "F7HcPagFUBRc1CAofhtwx7zD48x5IPCQ6CHY71WcKGhcix1TpPYmYC3A__G0b8Gsxg-GMFtG4W3x7A",
    },
};

#endif
