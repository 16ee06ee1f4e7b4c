//! Errors handled by what they mean: a build that does not exist (404), a build the API refuses
//! to create (422, with the fields at fault), and everything else by its kind.
//!
//! `BUILDKITE_API_TOKEN=... cargo run -p tests --example handle_errors -- ORG PIPELINE`

use buildkite_api::operations::builds::{CreateBuildError, GetBuildError};
use buildkite_api::types::CreateBuildRequest;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (org, pipeline) = (args.next().ok_or("ORG")?, args.next().ok_or("PIPELINE")?);
    let client = buildkite_api::Client::from_env()?;

    // 404: the typed error body says what was not found.
    match client.builds().get(&org, &pipeline, i64::MAX).await {
        Ok(build) => println!("unexpectedly found #{}", build.number),
        Err(error) => match GetBuildError::from_error(&error) {
            Some(GetBuildError::NotFound(body)) => println!("not found: {}", body.message),
            _ => return Err(error.into()),
        },
    }

    // 422: an empty commit is refused, with the fields at fault.
    let request = CreateBuildRequest::new("", "");
    match client.builds().create(&org, &pipeline, request).await {
        Ok(build) => println!("created #{}", build.number),
        Err(error) => match CreateBuildError::from_error(&error) {
            Some(CreateBuildError::UnprocessableEntity(body)) => {
                println!("refused: {}", body.message);
                for field in body.errors.iter().flatten() {
                    println!("  {:?}: {:?}", field.field, field.code);
                }
            }
            // Anything else: its kind, whether it is worth retrying, and the path called.
            _ => {
                println!("{} (retryable: {}): {error}", error.kind(), error.is_retryable());
                return Err(error.into());
            }
        },
    }
    Ok(())
}
