//! **PUBLIC TEST KEYS — NEVER USE IN PRODUCTION.**
//!
//! The simulator's key pairs and app id, copied from `alipay/vectors.json` (freshly generated
//! test keys published with the official-SDK test vectors; they have no relation to any real
//! Alipay application). Anyone can read them, so anything signed with them proves nothing.
//!
//! - `APP_*`: the ISV application's pair. The client signs requests with
//!   [`APP_PRIVATE_KEY_PEM`]; the simulator verifies them with [`APP_PUBLIC_KEY_PEM`].
//! - `ALIPAY_*`: "Alipay's" pair. The simulator signs responses with
//!   [`ALIPAY_PRIVATE_KEY_PEM`]; the client verifies them with [`ALIPAY_PUBLIC_KEY_PEM`].
//!
//! `xjz-bootstrap` uses them as development defaults and refuses to start in `production`
//! while any of them (or [`APP_ID`]) is configured.

/// The simulator's ISV app id (TEST ONLY).
pub const APP_ID: &str = "2021000000000001";

/// ISV app private key, PKCS#8 PEM (TEST ONLY).
pub const APP_PRIVATE_KEY_PEM: &str = "-----BEGIN PRIVATE KEY-----
MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQDByW/YKaM8q/iK
cz2KdG9m4CPrAkGoPeCY7PXfyiKAvibAp5nH1q/256PnlOSIupGvW/Za8HX7VP5g
gCbAWN9/27DxGoh1BneEH4ZdrlcBCmNg6jLNTCpzihA/WzTJpes/medfBCMxaplq
i57O+YxhBrlnZij0kw68fW6L3+oAYs7O8c//ebJfve0jnRbKbW1duIJMEsUVS1/M
+8SWc6szJrBoHLqAcU1GHZod3RbtfZDR5szUsEFilfsRTZ/NMEsbEnaFnaFYH2X1
w1tzFemae/R0lEGhoncx2zbqYprL+Hzgnf10amDOC3H6dclmmD2XWPxmUGeHKdIZ
Oak1pwLBAgMBAAECggEAAyHBdCcOyNBnXBF1uVLyvqEOY4zDSTf1dR3rRq/Kc/Xe
xCFRS8NX+lpkXJNG8utqUau0+mOa0dzd9EBN9VuFAoN8mMDwMKKnSX7a7zuok086
1kT4B40HaJuex0Su6zgKam+PJ4rLviTgutyWd0uILcSWjX8UrV3iZesfChVXKk9n
RypTf2phJ/cfi8MZ1q5bEy4HFzqGU+OP/C7h3JgQd3Sz4AJO3Ahx+fws7vrEhPry
Ho7LJjyU5aUQD87gDr3E/SVYMdboEsmgSFtTsZYiEIWnTD57qKl5zvjBCej0XrYM
c67G4uoklODZjsiHTs1u5efF9ZWVamNbm778RMRDwwKBgQDulpKgRQ6MkR4cOfGr
W1+Cl1le2o7vhWxyfizo1jd4/KzfAqeYtXBXY83RSZQFRml64Z3b5m1G1+hD/ZlF
T2OjcUeJWGx4FMpYo38K+qwqAvtCWut99nmjyXvSo75TL4x09/dgJpZL1Etc7Kh9
Mo2g+Q0FzFA2MQfb+MVqdKlWlwKBgQDP7dzpS4IXgPijTLDLFCDecIsklwfzHEjS
YStB3+poEQ1V9STWyKJK5gVw+WsReM0pwdGxZZCnGcY87dp+b6lZ+jKxwSsPJyBD
lkddGZaBwoNG7mhf+Qjjaa/VttUJDSd4PjzasI47UfJpVaV5zfIchDEq19M8lRHP
BuRPP9W0ZwKBgQC0NX0Im0BzAgVpMocMdBa/D8xMLe76kZ+pFw6ay3rY4pk8VMf8
O0dgap0B8H5iQZ3YV+OhPfnaIaho+nqzdFSBFkX/Qo+jX6i6rLt/snkpvljD9OKc
oPeds8jYAB/4uxhvHQB3Wo35Np+5z3MwJWf+Zz7j2z/Wvs/94XhTgUyKfwKBgA3F
zq0xUDOoWk/Ow6Mf+TFiuQS6cE9dH0G4J/pcD5XHE2APNdp4Pa/CXrfl/X6Rxt0u
NmqOtK8s2OGuS5u2X7xTA0qc5fJCADQZ3y4+hKahsLphDk7VGw6dMIVyb9gCpAul
67f8m984BVuOzcAssQ3Mf8k7tIU9xok1BqhtLQWfAoGAWNggj0TpIB4QI8dNBM7r
6LJXdkAlFqQ2h4Wg+ZlZjbDIyoiaNXfptKWoxdqM+4VPpjZbTeumzLgWYcee3Jhr
jzUIrT1hSLyqKLPATniEJx2FAc2JC9YOxCX0r4Z10H2y9bSd5Jyjm7PcHBYyrcku
TcqvvOSDFpLtYsFMTAKORa0=
-----END PRIVATE KEY-----
";

/// The same ISV app private key as PKCS#1 PEM (TEST ONLY).
pub const APP_PRIVATE_KEY_PKCS1_PEM: &str = "-----BEGIN RSA PRIVATE KEY-----
MIIEowIBAAKCAQEAwclv2CmjPKv4inM9inRvZuAj6wJBqD3gmOz138oigL4mwKeZ
x9av9uej55TkiLqRr1v2WvB1+1T+YIAmwFjff9uw8RqIdQZ3hB+GXa5XAQpjYOoy
zUwqc4oQP1s0yaXrP5nnXwQjMWqZaouezvmMYQa5Z2Yo9JMOvH1ui9/qAGLOzvHP
/3myX73tI50Wym1tXbiCTBLFFUtfzPvElnOrMyawaBy6gHFNRh2aHd0W7X2Q0ebM
1LBBYpX7EU2fzTBLGxJ2hZ2hWB9l9cNbcxXpmnv0dJRBoaJ3Mds26mKay/h84J39
dGpgzgtx+nXJZpg9l1j8ZlBnhynSGTmpNacCwQIDAQABAoIBAAMhwXQnDsjQZ1wR
dblS8r6hDmOMw0k39XUd60avynP13sQhUUvDV/paZFyTRvLralGrtPpjmtHc3fRA
TfVbhQKDfJjA8DCip0l+2u87qJNPOtZE+AeNB2ibnsdErus4CmpvjyeKy74k4Lrc
lndLiC3Elo1/FK1d4mXrHwoVVypPZ0cqU39qYSf3H4vDGdauWxMuBxc6hlPjj/wu
4dyYEHd0s+ACTtwIcfn8LO76xIT68h6OyyY8lOWlEA/O4A69xP0lWDHW6BLJoEhb
U7GWIhCFp0w+e6ipec74wQno9F62DHOuxuLqJJTg2Y7Ih07NbuXnxfWVlWpjW5u+
/ETEQ8MCgYEA7paSoEUOjJEeHDnxq1tfgpdZXtqO74Vscn4s6NY3ePys3wKnmLVw
V2PN0UmUBUZpeuGd2+ZtRtfoQ/2ZRU9jo3FHiVhseBTKWKN/CvqsKgL7QlrrffZ5
o8l70qO+Uy+MdPf3YCaWS9RLXOyofTKNoPkNBcxQNjEH2/jFanSpVpcCgYEAz+3c
6UuCF4D4o0ywyxQg3nCLJJcH8xxI0mErQd/qaBENVfUk1siiSuYFcPlrEXjNKcHR
sWWQpxnGPO3afm+pWfoyscErDycgQ5ZHXRmWgcKDRu5oX/kI42mv1bbVCQ0neD48
2rCOO1HyaVWlec3yHIQxKtfTPJURzwbkTz/VtGcCgYEAtDV9CJtAcwIFaTKHDHQW
vw/MTC3u+pGfqRcOmst62OKZPFTH/DtHYGqdAfB+YkGd2FfjoT352iGoaPp6s3RU
gRZF/0KPo1+ouqy7f7J5Kb5Yw/TinKD3nbPI2AAf+LsYbx0Ad1qN+Tafuc9zMCVn
/mc+49s/1r7P/eF4U4FMin8CgYANxc6tMVAzqFpPzsOjH/kxYrkEunBPXR9BuCf6
XA+VxxNgDzXaeD2vwl635f1+kcbdLjZqjrSvLNjhrkubtl+8UwNKnOXyQgA0Gd8u
PoSmobC6YQ5O1RsOnTCFcm/YAqQLpeu3/JvfOAVbjs3ALLENzH/JO7SFPcaJNQao
bS0FnwKBgFjYII9E6SAeECPHTQTO6+iyV3ZAJRakNoeFoPmZWY2wyMqImjV36bSl
qMXajPuFT6Y2W03rpsy4FmHHntyYa481CK09YUi8qiizwE54hCcdhQHNiQvWDsQl
9K+GddB9svW0neSco5uz3BwWMq3JLk3Kr7zkgxaS7WLBTEwCjkWt
-----END RSA PRIVATE KEY-----
";

/// ISV app public key, SPKI PEM (TEST ONLY); the simulator verifies requests with it.
pub const APP_PUBLIC_KEY_PEM: &str = "-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAwclv2CmjPKv4inM9inRv
ZuAj6wJBqD3gmOz138oigL4mwKeZx9av9uej55TkiLqRr1v2WvB1+1T+YIAmwFjf
f9uw8RqIdQZ3hB+GXa5XAQpjYOoyzUwqc4oQP1s0yaXrP5nnXwQjMWqZaouezvmM
YQa5Z2Yo9JMOvH1ui9/qAGLOzvHP/3myX73tI50Wym1tXbiCTBLFFUtfzPvElnOr
MyawaBy6gHFNRh2aHd0W7X2Q0ebM1LBBYpX7EU2fzTBLGxJ2hZ2hWB9l9cNbcxXp
mnv0dJRBoaJ3Mds26mKay/h84J39dGpgzgtx+nXJZpg9l1j8ZlBnhynSGTmpNacC
wQIDAQAB
-----END PUBLIC KEY-----
";

/// "Alipay's" private key, PKCS#8 PEM (TEST ONLY); the simulator signs responses with it.
pub const ALIPAY_PRIVATE_KEY_PEM: &str = "-----BEGIN PRIVATE KEY-----
MIIEvgIBADANBgkqhkiG9w0BAQEFAASCBKgwggSkAgEAAoIBAQCcHX1MxPPA/fEn
LGgAgUL9D4W/i1Gdhnmf0w7dbUXbT5aN0qb7bZHJdWrlkxojd+kZivd8IrgC4D2z
BXJWjXB20Z1z4M8a9oVVbz1RZ2mMdPTSRmEqQLkt9zZxbaEUGhg2+kXSi+mWqCpo
oFikLCsWKTwbxBQNre23fUI6UhBK/iKsBTOm/48xPkhdOuobyOoKaAVC0sIywMzx
LtOePR243ZGDLTJF0lbZm9HtmaR1mgTpScrysU0+dqutL/c7T5srFBQOf4Jr4sR+
C9IddWGh0/ANNhNexKfI75Wa/ULHWqNiuEITckCYhSswMFveXrylWss16u4ZmRAw
PmhDH9F/AgMBAAECggEAIyGPvOLlZ5y90+7uSI7OIFyJ4JzddPF6FTlNsw6QFdZH
LwskgJgbopZFw/viefDWB+V54/l8J0mHGO402L1jfZmWMSl58btgLeWmitcWrYD0
Rw2HeBawlWN4YPYmtXtZz6VqaQMLQdf+EyViTS+TUp1c5XKugJWPVSde6/jjqbxE
0V2T7WEVNDUb1wmgdPwp49B+eqIBlYSBNWDJuiunJ6kN2+QBDk5yLMYfvgDHxRoX
rYuJsj33VD/JtQdPH390Xrz9C4gUAdtnzbYSipLGOrfgXasQLvYJzpXFMnyx6/iG
KZWF8NFgKp55vf6TTkVf5Yjj3SFsCLEN6rTMZ0rf4QKBgQDPANelTtrbjIPenAP2
QsHnC2sff41kk8Hyig/ZSHIAPqGOIlcwx4Vf4pxchxoY7jI/dI13w9ntUz9Jljt7
tM80m9EZ2oSlkidUz6NZDcfM14vyaoTsPRd1vrD3eAtCSfVysevthohhCB/+MfVF
3lqFa+pihzqAHvy3AB1fhL/ocwKBgQDBESI3SxKI63C+ZCYWy/aTWRIar5zqyXPM
+DOdc6AutXUPlQRwr2YFjzCtgApha3X91414gdHcuJ1qehaAi5hJtPCz7XxdD1hB
xD85qFa016Uvmb66x9xljHBnskq6+cbqP7JwoVa6NYfi1JC+biAo3uJ2mnY5c2fP
yLIqNXcLxQKBgQC7E2vQPb+VAxx6Jk1+VT6f67XYNZI2/0IcS6GfINXGWtPufCKI
NwjWaxoclQyE02Ad8NuZDSr6TG25t0fyuKk6RkdnMhEHAVsCTtS1OrsC6RnU72dJ
iLyW8MtGGvsx4V0tVpZ9h0PhTVJ8i/G6PwVX5vtgKA46k8aYLEZfeL1m+QKBgQCZ
mPL6wHwXeBAzOGPhIRWjdmpj1rDlTa4WNKSDsFiQsIZYBjsJF1H4PEoCzmnzxVWS
xOllJQr8Kdf6vPSoAeb/RLd2vgqB0tJpSCLw0Q9iQmnFq/BEkvqxw4Atz3eKt2rc
NB7XYlQoQqw/9tLM3boyKdhLeWlzHXBKq6Wq1OxH7QKBgFUHVy8/jP0xF1cVBtoI
uDiFbye7zAC/WTrALIIN1Nk6MlmX4cAfa/k0JHpZaxVwlqIhe58fFj6B9qepfXZt
NhVAIQTfGh40QQ1fnDCpHvbZP+2FIo4E0+ph82UI1n9BSyyQg5TOUH/KLKIhQHyH
zIikgwdeFsYLVOWjtCYV7sQG
-----END PRIVATE KEY-----
";

/// The same "Alipay" private key as PKCS#1 PEM (TEST ONLY).
pub const ALIPAY_PRIVATE_KEY_PKCS1_PEM: &str = "-----BEGIN RSA PRIVATE KEY-----
MIIEpAIBAAKCAQEAnB19TMTzwP3xJyxoAIFC/Q+Fv4tRnYZ5n9MO3W1F20+WjdKm
+22RyXVq5ZMaI3fpGYr3fCK4AuA9swVyVo1wdtGdc+DPGvaFVW89UWdpjHT00kZh
KkC5Lfc2cW2hFBoYNvpF0ovplqgqaKBYpCwrFik8G8QUDa3tt31COlIQSv4irAUz
pv+PMT5IXTrqG8jqCmgFQtLCMsDM8S7Tnj0duN2Rgy0yRdJW2ZvR7ZmkdZoE6UnK
8rFNPnarrS/3O0+bKxQUDn+Ca+LEfgvSHXVhodPwDTYTXsSnyO+Vmv1Cx1qjYrhC
E3JAmIUrMDBb3l68pVrLNeruGZkQMD5oQx/RfwIDAQABAoIBACMhj7zi5WecvdPu
7kiOziBcieCc3XTxehU5TbMOkBXWRy8LJICYG6KWRcP74nnw1gfleeP5fCdJhxju
NNi9Y32ZljEpefG7YC3lporXFq2A9EcNh3gWsJVjeGD2JrV7Wc+lamkDC0HX/hMl
Yk0vk1KdXOVyroCVj1UnXuv446m8RNFdk+1hFTQ1G9cJoHT8KePQfnqiAZWEgTVg
yborpyepDdvkAQ5OcizGH74Ax8UaF62LibI991Q/ybUHTx9/dF68/QuIFAHbZ822
EoqSxjq34F2rEC72Cc6VxTJ8sev4himVhfDRYCqeeb3+k05FX+WI490hbAixDeq0
zGdK3+ECgYEAzwDXpU7a24yD3pwD9kLB5wtrH3+NZJPB8ooP2UhyAD6hjiJXMMeF
X+KcXIcaGO4yP3SNd8PZ7VM/SZY7e7TPNJvRGdqEpZInVM+jWQ3HzNeL8mqE7D0X
db6w93gLQkn1crHr7YaIYQgf/jH1Rd5ahWvqYoc6gB78twAdX4S/6HMCgYEAwREi
N0sSiOtwvmQmFsv2k1kSGq+c6slzzPgznXOgLrV1D5UEcK9mBY8wrYAKYWt1/deN
eIHR3LidanoWgIuYSbTws+18XQ9YQcQ/OahWtNelL5m+usfcZYxwZ7JKuvnG6j+y
cKFWujWH4tSQvm4gKN7idpp2OXNnz8iyKjV3C8UCgYEAuxNr0D2/lQMceiZNflU+
n+u12DWSNv9CHEuhnyDVxlrT7nwiiDcI1msaHJUMhNNgHfDbmQ0q+kxtubdH8rip
OkZHZzIRBwFbAk7UtTq7AukZ1O9nSYi8lvDLRhr7MeFdLVaWfYdD4U1SfIvxuj8F
V+b7YCgOOpPGmCxGX3i9ZvkCgYEAmZjy+sB8F3gQMzhj4SEVo3ZqY9aw5U2uFjSk
g7BYkLCGWAY7CRdR+DxKAs5p88VVksTpZSUK/CnX+rz0qAHm/0S3dr4KgdLSaUgi
8NEPYkJpxavwRJL6scOALc93irdq3DQe12JUKEKsP/bSzN26MinYS3lpcx1wSqul
qtTsR+0CgYBVB1cvP4z9MRdXFQbaCLg4hW8nu8wAv1k6wCyCDdTZOjJZl+HAH2v5
NCR6WWsVcJaiIXufHxY+gfanqX12bTYVQCEE3xoeNEENX5wwqR722T/thSKOBNPq
YfNlCNZ/QUsskIOUzlB/yiyiIUB8h8yIpIMHXhbGC1Tlo7QmFe7EBg==
-----END RSA PRIVATE KEY-----
";

/// "Alipay's" public key, SPKI PEM (TEST ONLY); clients verify responses with it.
pub const ALIPAY_PUBLIC_KEY_PEM: &str = "-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAnB19TMTzwP3xJyxoAIFC
/Q+Fv4tRnYZ5n9MO3W1F20+WjdKm+22RyXVq5ZMaI3fpGYr3fCK4AuA9swVyVo1w
dtGdc+DPGvaFVW89UWdpjHT00kZhKkC5Lfc2cW2hFBoYNvpF0ovplqgqaKBYpCwr
Fik8G8QUDa3tt31COlIQSv4irAUzpv+PMT5IXTrqG8jqCmgFQtLCMsDM8S7Tnj0d
uN2Rgy0yRdJW2ZvR7ZmkdZoE6UnK8rFNPnarrS/3O0+bKxQUDn+Ca+LEfgvSHXVh
odPwDTYTXsSnyO+Vmv1Cx1qjYrhCE3JAmIUrMDBb3l68pVrLNeruGZkQMD5oQx/R
fwIDAQAB
-----END PUBLIC KEY-----
";

/// Every test key above, for "is this one of the simulator's keys?" checks.
pub const ALL_KEYS_PEM: [&str; 6] = [
    APP_PRIVATE_KEY_PEM,
    APP_PRIVATE_KEY_PKCS1_PEM,
    APP_PUBLIC_KEY_PEM,
    ALIPAY_PRIVATE_KEY_PEM,
    ALIPAY_PRIVATE_KEY_PKCS1_PEM,
    ALIPAY_PUBLIC_KEY_PEM,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_is_a_pem_block() {
        for pem in ALL_KEYS_PEM {
            assert!(pem.starts_with("-----BEGIN "), "{}", &pem[..20]);
            assert!(pem.trim_end().ends_with("-----"));
        }
    }

    #[test]
    fn the_pairs_are_distinct() {
        assert_ne!(APP_PRIVATE_KEY_PEM, ALIPAY_PRIVATE_KEY_PEM);
        assert_ne!(APP_PUBLIC_KEY_PEM, ALIPAY_PUBLIC_KEY_PEM);
    }
}
