//! Cognito call latency, measured in one place: an SDK interceptor sees
//! every operation from start to end (retries included), with the SDK's own
//! operation name, whatever the outcome.

use std::sync::Arc;
use std::time::Instant;

use aws_sdk_cognitoidentityprovider::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeSerializationInterceptorContextRef, FinalizerInterceptorContextRef,
};
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_types::config_bag::{Storable, StoreReplace};

use crate::metrics::Metrics;

/// When the operation started (kept in the operation's config bag).
#[derive(Debug, Clone, Copy)]
struct Started(Instant);

impl Storable for Started {
    type Storer = StoreReplace<Self>;
}

/// Records `bff_cognito_request_duration_seconds`.
#[derive(Debug)]
pub(super) struct LatencyInterceptor(pub(super) Arc<Metrics>);

impl Intercept for LatencyInterceptor {
    fn name(&self) -> &'static str {
        "cognito-bff latency metrics"
    }

    fn read_before_execution(
        &self,
        _context: &BeforeSerializationInterceptorContextRef<'_>,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        cfg.interceptor_state().store_put(Started(Instant::now()));
        Ok(())
    }

    fn read_after_execution(
        &self,
        context: &FinalizerInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let Some(Started(started)) = cfg.load::<Started>().copied() else {
            return Ok(());
        };
        let operation = cfg
            .load::<Metadata>()
            .map_or("unknown", |m| m.name())
            .to_owned();
        let ok = matches!(context.output_or_error(), Some(Ok(_)));
        self.0.cognito_call(&operation, ok, started.elapsed());
        Ok(())
    }
}
