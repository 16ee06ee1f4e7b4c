//! The client: the spec's title and version, servers, base URL, credentials, rate-limit headers
//! and the accessor of each operations group.

use std::collections::BTreeMap;

use crate::ir::{Api, AuthKind, Group};

use super::change::{code, Changes, Kind, Level, Subject};
use super::label;

pub(super) fn client(old: &Api, new: &Api, out: &mut Changes) {
    let item = "Client";
    if old.title != new.title || old.version != new.version {
        out.push(
            Level::Patch,
            Subject::Client,
            Kind::Changed,
            item,
            format!("the spec is now {} (was {})", label(new), label(old)),
        );
    }
    out.docs(Subject::Client, item, "the crate", &old.docs, &new.docs);
    let servers = |api: &Api| api.servers.iter().map(|s| (s.url.clone(), s.description.clone())).collect::<Vec<_>>();
    if servers(old) != servers(new) {
        out.push(Level::Patch, Subject::Client, Kind::Changed, item, "the list of servers changed".to_string());
    }
    if old.base_url != new.base_url {
        out.push(
            Level::Patch,
            Subject::Client,
            Kind::Changed,
            item,
            format!("`Client::DEFAULT_BASE_URL` is now `{}` (was `{}`)", new.base_url, old.base_url),
        );
    }
    let bearer = |api: &Api| api.auth.iter().any(|a| matches!(a.kind, AuthKind::Bearer));
    match (bearer(old), bearer(new)) {
        (false, true) => out.push(
            Level::Breaking,
            Subject::Client,
            Kind::Changed,
            item,
            "`Client::new` now takes a bearer token".to_string(),
        ),
        (true, false) => out.push(
            Level::Breaking,
            Subject::Client,
            Kind::Changed,
            item,
            "`Client::new` no longer takes a bearer token".to_string(),
        ),
        _ => {}
    }
    let schemes = |api: &Api| api.auth.iter().map(|a| format!("{}: {:?}", a.wire_name, a.kind)).collect::<Vec<_>>();
    if schemes(old) != schemes(new) {
        let names = |api: &Api| api.auth.iter().map(|a| code(&a.wire_name)).collect::<Vec<_>>().join(", ");
        out.push(
            Level::Patch,
            Subject::Client,
            Kind::Changed,
            item,
            format!("security schemes are now [{}] (were [{}])", names(new), names(old)),
        );
    }
    let limits = |api: &Api| api.rate_limits.iter().map(|r| format!("{r:?}")).collect::<Vec<_>>();
    if limits(old) != limits(new) {
        out.push(Level::Patch, Subject::Client, Kind::Changed, item, "rate-limit headers changed".to_string());
    }
    let (old_groups, new_groups) = (groups(old), groups(new));
    for (name, g) in &old_groups {
        let accessor = format!("client.{name}()");
        match new_groups.get(name) {
            None => out.push(
                Level::Breaking,
                Subject::Client,
                Kind::Removed,
                &accessor,
                format!("accessor `{accessor}` removed (operations tagged `{}`)", g.wire_tag),
            ),
            Some(n) => {
                if g.type_name != n.type_name {
                    out.push(
                        Level::Breaking,
                        Subject::Client,
                        Kind::Changed,
                        &accessor,
                        format!(
                            "`{accessor}` now returns `operations::{name}::{}` (was `operations::{name}::{}`)",
                            n.type_name, g.type_name
                        ),
                    );
                }
                out.docs(Subject::Client, &accessor, &format!("`{accessor}`"), &g.docs, &n.docs);
                if g.wire_tag != n.wire_tag {
                    out.push(
                        Level::Patch,
                        Subject::Client,
                        Kind::Changed,
                        &accessor,
                        format!("`{accessor}`: the tag is now `{}` (was `{}`)", n.wire_tag, g.wire_tag),
                    );
                }
            }
        }
    }
    for (name, g) in &new_groups {
        if !old_groups.contains_key(name) {
            let accessor = format!("client.{name}()");
            out.push(
                Level::Compatible,
                Subject::Client,
                Kind::Added,
                &accessor,
                format!("accessor `{accessor}` added (operations tagged `{}`)", g.wire_tag),
            );
        }
    }
}

fn groups(api: &Api) -> BTreeMap<&str, &Group> {
    api.groups.iter().map(|g| (g.name.as_str(), g)).collect()
}
