//! `app_auth_token` at rest: encrypted, readable after rotation, never garbage.

use sea_orm::DatabaseConnection;
use xjz_domain::order::{FacetofaceOrder, OrderState};
use xjz_domain::ports::gateway::AppAuthToken;
use xjz_domain::ports::repository::{OrderRepository, RepositoryError};
use xjz_persistence::{DataKeys, SeaOrmOrderRepository, key_id};

use crate::helpers::{KEY_A, KEY_B, TENANT, image_files, new_order, raw_exec, raw_string, repo};
use crate::on_both;

const TOKEN: &str = "202611BB4b8a0c6e1f2d3c4b5a69788796a5b4c3";

fn with_keys(
    db: &DatabaseConnection,
    current: [u8; 32],
    previous: &[[u8; 32]],
) -> SeaOrmOrderRepository {
    let keys = DataKeys {
        current,
        previous: previous.to_vec(),
    };
    SeaOrmOrderRepository::new(db.clone(), &keys, image_files()).unwrap()
}

async fn stored_with_token(repo: &impl OrderRepository) -> FacetofaceOrder {
    let (new, images) = new_order(TENANT);
    let order = repo.insert(new, &images).await.unwrap();
    let mut state: OrderState = order.state().clone();
    state.alipay.app_auth_token = Some(AppAuthToken::new(TOKEN.into()));
    let mut order = FacetofaceOrder::restore(state);
    repo.update(&mut order).await.unwrap();
    order
}

async fn stored_token(db: &DatabaseConnection, order: &FacetofaceOrder) -> String {
    let sql = format!(
        "SELECT app_auth_token FROM pay_facetoface_order WHERE id = {}",
        order.id()
    );
    raw_string(db, &sql, "app_auth_token").await.unwrap()
}

fn token_of(order: &FacetofaceOrder) -> Option<&str> {
    order
        .state()
        .alipay
        .app_auth_token
        .as_ref()
        .map(AppAuthToken::expose_secret)
}

async fn the_token_is_encrypted_at_rest(db: &DatabaseConnection) {
    let repo = repo(db);
    let order = stored_with_token(&repo).await;

    let stored = stored_token(db, &order).await;
    assert!(
        stored.starts_with(&format!("v1:{}:", key_id(&KEY_A))),
        "{stored}"
    );
    assert!(!stored.contains(TOKEN));
    let read = repo.get(TENANT, order.id()).await.unwrap().unwrap();
    assert_eq!(token_of(&read), Some(TOKEN));
}
on_both!(the_token_is_encrypted_at_rest);

async fn a_wrong_key_or_a_corrupted_value_is_an_error(db: &DatabaseConnection) {
    let order = stored_with_token(&repo(db)).await;

    let wrong = with_keys(db, KEY_B, &[]).get(TENANT, order.id()).await;
    let error = format!(
        "{:#}",
        match wrong {
            Err(RepositoryError::Unexpected(e)) => e,
            other => panic!("expected an error, got {other:?}"),
        }
    );
    assert!(
        error.contains(&key_id(&KEY_A)) && !error.contains(TOKEN),
        "{error}"
    );

    let stored = stored_token(db, &order).await;
    let (head, body) = stored.rsplit_once(':').unwrap();
    let flipped = if body.starts_with('A') { "B" } else { "A" };
    let corrupted = format!("{head}:{flipped}{}", &body[1..]);
    raw_exec(
        db,
        &format!(
            "UPDATE pay_facetoface_order SET app_auth_token = '{corrupted}' WHERE id = {}",
            order.id()
        ),
    )
    .await;
    let result = repo(db).get(TENANT, order.id()).await;
    assert!(
        matches!(result, Err(RepositoryError::Unexpected(_))),
        "{result:?}"
    );
}
on_both!(a_wrong_key_or_a_corrupted_value_is_an_error);

async fn rotation_reads_old_ciphertexts_and_writes_with_the_new_key(db: &DatabaseConnection) {
    let old = stored_with_token(&with_keys(db, KEY_A, &[])).await;
    let rotated = with_keys(db, KEY_B, &[KEY_A]);

    let mut read = rotated.get(TENANT, old.id()).await.unwrap().unwrap();
    assert_eq!(token_of(&read), Some(TOKEN));
    // Re-saving re-encrypts with the current key: after that the old key may go.
    rotated.update(&mut read).await.unwrap();
    assert!(
        stored_token(db, &read)
            .await
            .starts_with(&format!("v1:{}:", key_id(&KEY_B)))
    );
    let only_new = with_keys(db, KEY_B, &[])
        .get(TENANT, old.id())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(token_of(&only_new), Some(TOKEN));
}
on_both!(rotation_reads_old_ciphertexts_and_writes_with_the_new_key);

async fn rekeying_moves_every_secret_to_the_current_key(db: &DatabaseConnection) {
    let old = with_keys(db, KEY_A, &[]);
    let first = stored_with_token(&old).await;
    let second = stored_with_token(&old).await;
    let rotated = DataKeys {
        current: KEY_B,
        previous: vec![KEY_A],
    };

    let report = xjz_persistence::reencrypt_secrets(db, &rotated)
        .await
        .unwrap();

    assert_eq!((report.reencrypted, report.skipped), (2, 0));
    let only_new = with_keys(db, KEY_B, &[]);
    for order in [&first, &second] {
        assert!(
            stored_token(db, order)
                .await
                .starts_with(&format!("v1:{}:", key_id(&KEY_B)))
        );
        let read = only_new.get(TENANT, order.id()).await.unwrap().unwrap();
        assert_eq!(token_of(&read), Some(TOKEN));
        assert_eq!(
            read.version(),
            order.version(),
            "re-keying is not a change of the order"
        );
    }
    let again = xjz_persistence::reencrypt_secrets(db, &rotated)
        .await
        .unwrap();
    assert_eq!(again.reencrypted, 0);
    // Without the old key a value it sealed cannot be moved: the pass stops with an error.
    stored_with_token(&old).await;
    let missing_old = DataKeys {
        current: [0xC3; 32],
        previous: vec![KEY_B],
    };
    assert!(
        xjz_persistence::reencrypt_secrets(db, &missing_old)
            .await
            .is_err()
    );
}
on_both!(rekeying_moves_every_secret_to_the_current_key);
