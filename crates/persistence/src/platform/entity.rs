//! SeaORM entities of the platform tables (`migration`'s `m20261126_000002`): private.

pub(crate) mod tenant {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "sys_tenant")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub code: String,
        pub name: String,
        pub disabled: bool,
        pub created_time: DateTimeUtc,
        pub updated_time: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub(crate) mod role {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "sys_role")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub tenant_id: Option<i64>,
        pub code: String,
        pub name: String,
        /// JSON array of permission strings.
        pub permissions: String,
        pub created_time: DateTimeUtc,
        pub updated_time: DateTimeUtc,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub(crate) mod user {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "sys_user")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub uuid: Uuid,
        pub tenant_id: i64,
        pub username: String,
        pub password_hash: String,
        pub disabled: bool,
        /// JSON array of role codes.
        pub roles: String,
        pub created_time: DateTimeUtc,
        pub updated_time: DateTimeUtc,
        pub last_login_time: Option<DateTimeUtc>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}

pub(crate) mod operation_log {
    use sea_orm::entity::prelude::*;

    #[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
    #[sea_orm(table_name = "sys_operation_log")]
    pub struct Model {
        #[sea_orm(primary_key)]
        pub id: i64,
        pub time: DateTimeUtc,
        pub user_id: Option<i64>,
        pub tenant_id: Option<i64>,
        pub method: String,
        pub route: String,
        pub target_id: Option<String>,
        pub outcome_code: i32,
        pub duration_ms: i64,
        pub client_ip: Option<String>,
        pub request_id: Option<String>,
    }

    #[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
    pub enum Relation {}

    impl ActiveModelBehavior for ActiveModel {}
}
