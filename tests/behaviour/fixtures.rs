//! Behaviour of the code generated for the fixture specs, compiled and run by
//! `tests/tests/generated_crates.rs` in the workspace of generated crates: what the snapshots
//! show as text, shown here to work on values.

use serde_json::json;

#[test]
fn open_enums_keep_unknown_values_and_never_swallow_known_ones() {
    use fixture_open_enums::types::{Color, Level, Light};
    let light: Light = serde_json::from_value(json!({"color": "dark-blue", "level": -3, "mode": "Unknown"})).unwrap();
    assert_eq!(light.color, Color::DarkBlue);
    assert_eq!(light.level, Some(Level::VMinus3));
    // A wire value spelled like the catch-all variant is still a known value.
    assert_eq!(light.mode.as_ref().map(|m| m.as_str()), Some("Unknown"));
    assert!(!matches!(light.mode, Some(fixture_open_enums::types::LightMode::Unknown(_))));
    let new: Light = serde_json::from_value(json!({"color": "ultraviolet", "level": 9})).unwrap();
    assert!(matches!(&new.color, Color::Unknown(v) if v.as_str() == "ultraviolet"));
    assert!(matches!(new.level, Some(Level::Unknown(v)) if v.get() == 9));
    assert_eq!(serde_json::to_value(&new).unwrap(), json!({"color": "ultraviolet", "level": 9}));
    assert_eq!(Color::from("red"), Color::Red);
}

#[test]
fn documents_in_several_files_and_references_to_any_place_give_working_types() {
    use fixture_multi_file::types::{Pet, Tag};
    // Pet and Owner are in two files that refer to each other; Address is Owner's file's own.
    let pet: Pet = serde_json::from_value(json!({"id": "1", "name": "Rex", "tag": "dog",
        "owner": {"name": "Ann", "address": {"city": "Oslo"}, "pets": [{"id": "2", "name": "Tom", "tag": "cat"}]}}))
    .unwrap();
    assert_eq!(pet.tag, Some(Tag::Dog));
    let owner = pet.owner.as_ref().unwrap();
    assert_eq!(owner.address.as_ref().and_then(|a| a.city.as_deref()), Some("Oslo"));
    assert_eq!(owner.pets.as_ref().unwrap()[0].tag, Some(Tag::Cat));

    use fixture_refs_anywhere::types::{Holder, HolderPropertiesColor, TagAllOf0};
    // `favourite` refers to `color`'s place: a copy of its enum, hoisted and named after it.
    let holder: Holder = serde_json::from_value(json!({"color": "red", "favourite": "blue"})).unwrap();
    assert_eq!(holder.favourite, Some(HolderPropertiesColor::Blue));
    let part: TagAllOf0 = serde_json::from_value(json!({"name": "x"})).unwrap();
    assert_eq!(part.name, "x");
    let tag: fixture_refs_anywhere::types::Tag = serde_json::from_value(json!({"name": "x", "label": "y"})).unwrap();
    assert_eq!(tag.label.as_deref(), Some("y"));
}

#[test]
fn keywords_round_trip_under_their_wire_names() {
    use fixture_keywords::types::Struct;
    let wire = json!({"type": "t", "fn": 1, "self": "a", "Self": "b", "2fa": true, "café": "c", "new": "n"});
    let value: Struct = serde_json::from_value(wire.clone()).unwrap();
    assert_eq!(value.r#type, "t");
    assert_eq!(value.self_.as_deref(), Some("a"));
    assert_eq!(value.self_2.as_deref(), Some("b"));
    assert_eq!(serde_json::to_value(&value).unwrap(), wire);
}

#[test]
fn nullable_and_absent_are_both_none_and_required_nullables_serialize_null() {
    use fixture_nullable::types::Thing;
    let thing: Thing = serde_json::from_value(json!({
        "id": "5f0c7c1e-7d5c-4f67-9d3e-1c2b3a4d5e6f", "name": "x", "deleted_at": null,
        "nickname": null, "owner": null, "tags": ["a", null], "born_on": "2024-02-29"
    }))
    .unwrap();
    assert_eq!(thing.deleted_at, None);
    assert_eq!(thing.nickname, None);
    assert_eq!(thing.tags, Some(vec![Some("a".to_string()), None]));
    assert_eq!(thing.born_on.as_ref().map(|d| d.to_string()).as_deref(), Some("2024-02-29"));
    let out = serde_json::to_value(&thing).unwrap();
    assert_eq!(out["deleted_at"], serde_json::Value::Null);
    assert!(out.get("nickname").is_none(), "absent optional fields are not sent");
    // A malformed date does not fail the value: it is kept as sent, and says it did not parse.
    let odd: Thing = serde_json::from_value(json!({"id": "5f0c7c1e-7d5c-4f67-9d3e-1c2b3a4d5e6f", "name": "x",
        "deleted_at": null, "born_on": "29/02/2024"}))
    .unwrap();
    let born_on = odd.born_on.as_ref().unwrap();
    assert!(!born_on.is_valid() && born_on.date().is_none());
    assert_eq!(serde_json::to_value(&odd).unwrap()["born_on"], "29/02/2024");
    // A required field missing is an error, not a silent default.
    assert!(serde_json::from_value::<Thing>(json!({"name": "x", "deleted_at": null})).is_err());
}

#[test]
fn an_optional_object_with_required_properties_reads_an_empty_object_as_absent() {
    use fixture_nullable::types::{Color, Keeper, Owner, Thing};
    let base = json!({"id": "5f0c7c1e-7d5c-4f67-9d3e-1c2b3a4d5e6f", "name": "x", "deleted_at": null});
    let with = |key: &str, value: serde_json::Value| {
        let mut body = base.clone();
        body[key] = value;
        serde_json::from_value::<Thing>(body)
    };
    // `{}` cannot be a Keeper (it requires `id`): absent, as `null` is, not a failed body.
    assert_eq!(with("keeper", json!({})).unwrap().keeper, None);
    assert_eq!(with("keeper", json!(null)).unwrap().keeper, None);
    // Any other object is read as before, its first key included; a Keeper missing `id` fails.
    let keeper = with("keeper", json!({"name": "Ann", "id": "k1"})).unwrap().keeper.unwrap();
    assert_eq!((keeper.id.as_str(), keeper.name.as_deref()), ("k1", Some("Ann")));
    assert_eq!(with("keeper", json!({"id": "k2"})).unwrap().keeper.map(|k: Keeper| k.id).as_deref(), Some("k2"));
    assert!(with("keeper", json!({"name": "Ann"})).is_err());
    assert!(with("keeper", json!("k1")).is_err());
    // `{}` is a valid Owner (nothing required): it stays a value.
    assert_eq!(with("owner", json!({})).unwrap().owner, Some(Owner::default()));
    // A nullable enum reference written with `type` is the enum itself.
    assert_eq!(with("color", json!("blue")).unwrap().color, Some(Color::Blue));
    assert_eq!(with("color", json!(null)).unwrap().color, None);
}

#[test]
fn discriminated_unions_dispatch_on_the_tag_and_keep_unknown_tags() {
    use fixture_composition::types::Shape;
    let square: Shape = serde_json::from_value(json!({"shape": "Square", "side": 2.0})).unwrap();
    assert!(matches!(square, Shape::Square(ref s) if s.side == Some(2.0)));
    let circle: Shape = serde_json::from_value(json!({"shape": "Circle", "id": "c1", "radius": 1.5})).unwrap();
    assert!(matches!(circle, Shape::Circle(_)));
    let hexagon: Shape = serde_json::from_value(json!({"shape": "Hexagon", "id": "h", "n": 6})).unwrap();
    assert!(matches!(&hexagon, Shape::Unknown(v) if v["n"] == 6));
    // Fields every alternative has are read without a match: required in one alternative and
    // optional in another, they still share an accessor; `size` (a number here, a string there)
    // has none.
    assert_eq!(circle.id().map(String::as_str), Some("c1"));
    assert_eq!(square.id(), None);
    let labelled: Shape = serde_json::from_value(json!({"shape": "Square", "id": "s", "label": "big"})).unwrap();
    assert_eq!((labelled.id().map(String::as_str), labelled.label().map(String::as_str)), (Some("s"), Some("big")));
    assert_eq!(hexagon.id(), None);
    assert_eq!(serde_json::to_value(&square).unwrap(), json!({"shape": "Square", "side": 2.0}));
}

#[test]
fn untagged_unions_try_the_most_specific_alternative_first() {
    use fixture_composition::types::{Pet, StringOrOwner};
    let pet: Pet = serde_json::from_value(json!({"id": 1, "kind": "cat", "owner": {"name": "Ann"}})).unwrap();
    assert!(matches!(pet.owner, Some(StringOrOwner::Object(ref o)) if o.name.as_deref() == Some("Ann")));
    let pet: Pet = serde_json::from_value(json!({"id": 1, "kind": "dog", "owner": "Bob"})).unwrap();
    assert_eq!(pet.owner, Some(StringOrOwner::String("Bob".into())));
}

#[test]
fn recursive_types_and_extra_keys() {
    use fixture_composition::types::Node;
    let node: Node = serde_json::from_value(json!({
        "value": 1,
        "parent": {"value": 0},
        "children": [{"value": 2, "children": []}],
        "extra": {"note": "n", "weight": 3, "height": 4}
    }))
    .unwrap();
    assert_eq!(node.parent.as_ref().and_then(|p| p.value), Some(0));
    let extra = node.extra.unwrap();
    assert_eq!(extra.note.as_deref(), Some("n"));
    assert_eq!(extra.extra.get("weight"), Some(&3));
}

#[test]
fn nested_inline_objects_are_named_by_position() {
    use fixture_nested_inline::types::{
        CreateOrderRequest, CreateOrderRequestCustomer, CreateOrderRequestCustomerAddressGeo,
    };
    let geo = CreateOrderRequestCustomerAddressGeo::new().lat(1.5).lng(2.5f32);
    let body = CreateOrderRequest::new(CreateOrderRequestCustomer::new("Ann"))
        .metadata([("k".to_string(), "v".to_string())].into_iter().collect::<std::collections::BTreeMap<_, _>>());
    assert_eq!(serde_json::to_value(&body).unwrap(), json!({"customer": {"name": "Ann"}, "metadata": {"k": "v"}}));
    assert_eq!(serde_json::to_value(&geo).unwrap(), json!({"lat": 1.5, "lng": 2.5}));
}

/// Accepts one HTTP/1.1 request on loopback, answers `204`, and hands back the raw request.
fn one_request_server() -> (String, std::sync::mpsc::Receiver<Vec<u8>>) {
    serve_once("HTTP/1.1 204 No Content\r\ncontent-length: 0\r\nconnection: close\r\n\r\n".to_string())
}

/// Accepts one HTTP/1.1 request on loopback, answers with `answer`, and hands back the raw request.
fn serve_once(answer: String) -> (String, std::sync::mpsc::Receiver<Vec<u8>>) {
    serve_in_turn(vec![answer])
}

/// Accepts one connection per answer, in turn: reads a request, answers it with the next
/// answer, and hands back the raw request (answers should say `connection: close`).
fn serve_in_turn(answers: Vec<String>) -> (String, std::sync::mpsc::Receiver<Vec<u8>>) {
    use std::io::{Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for answer in answers {
            let (mut stream, _) = listener.accept().unwrap();
            let mut seen = Vec::new();
            let mut buf = [0u8; 4096];
            loop {
                let n = stream.read(&mut buf).unwrap();
                seen.extend_from_slice(&buf[..n]);
                let text = String::from_utf8_lossy(&seen).to_string();
                if let Some(end) = text.find("\r\n\r\n") {
                    let length = text[..end]
                        .lines()
                        .find_map(|l| {
                            l.to_ascii_lowercase()
                                .strip_prefix("content-length:")
                                .map(|v| v.trim().parse::<usize>().unwrap())
                        })
                        .unwrap_or(0);
                    if seen.len() >= end + 4 + length || n == 0 {
                        break;
                    }
                }
            }
            // Recorded before it is answered, so that a client that has its answer finds its
            // request in `rx`.
            if tx.send(seen).is_err() {
                return;
            }
            stream.write_all(answer.as_bytes()).unwrap();
        }
    });
    (url, rx)
}

#[tokio::test]
async fn every_request_body_encoding_arrives_as_declared() {
    use fixture_bodies::types::{SendFormRequest, SendJsonRequest, UploadRequest};
    let client = |url: &str| fixture_bodies::Client::builder().base_url(url).allow_http(true).build().unwrap();

    let (url, rx) = one_request_server();
    client(&url).api().send_json(SendJsonRequest::new("n")).await.unwrap();
    let raw = String::from_utf8(rx.recv().unwrap()).unwrap();
    assert!(raw.starts_with("POST /json HTTP/1.1\r\n"), "{raw}");
    assert!(raw.to_ascii_lowercase().contains("content-type: application/vnd.api+json"), "{raw}");
    assert!(raw.ends_with("{\"name\":\"n\"}"), "{raw}");

    let (url, rx) = one_request_server();
    client(&url).api().send_maybe().await.unwrap();
    let raw = String::from_utf8(rx.recv().unwrap()).unwrap();
    assert!(!raw.to_ascii_lowercase().contains("content-type"), "an optional body left unset sends none: {raw}");

    let (url, rx) = one_request_server();
    client(&url).api().send_form(SendFormRequest::new("client credentials").scope("a&b=c")).await.unwrap();
    let raw = String::from_utf8(rx.recv().unwrap()).unwrap();
    assert!(raw.to_ascii_lowercase().contains("content-type: application/x-www-form-urlencoded"), "{raw}");
    assert!(raw.ends_with("grant_type=client%20credentials&scope=a%26b%3Dc"), "{raw}");

    let (url, rx) = one_request_server();
    let upload = UploadRequest::new(bytes::Bytes::from_static(b"\x00\x01binary"))
        .title("My \"file\"")
        .tags(vec!["x".to_string(), "y".to_string()]);
    client(&url).api().upload(upload).await.unwrap();
    let raw = rx.recv().unwrap();
    let text = String::from_utf8_lossy(&raw).to_string();
    let boundary = text
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase().strip_prefix("content-type: multipart/form-data; boundary=").map(str::to_string)
        })
        .expect("multipart content type with a boundary");
    assert!(text
        .contains(&format!("--{boundary}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nMy \"file\"\r\n")));
    assert!(text.contains("name=\"tags\"\r\n\r\n[\"x\",\"y\"]\r\n"));
    assert!(raw.windows(8).any(|w| w == b"\x00\x01binary"), "the file part carries the raw bytes");
    assert!(!text.contains("name=\"thumbnail\""), "an unset optional file sends no part");
    assert!(text.ends_with(&format!("--{boundary}--\r\n")));

    let (url, rx) = one_request_server();
    let raw_body = fixture_bodies::runtime::RawBody::new("application/octet-stream", &b"\xffraw"[..]);
    client(&url).api().put_raw(raw_body).await.unwrap();
    let raw = rx.recv().unwrap();
    assert!(raw.ends_with(b"\r\n\r\n\xffraw"));
    assert!(String::from_utf8_lossy(&raw).to_ascii_lowercase().contains("content-type: application/octet-stream"));

    let (url, rx) = one_request_server();
    client(&url).api().put_text("plain text").await.unwrap();
    let raw = String::from_utf8(rx.recv().unwrap()).unwrap();
    assert!(raw.to_ascii_lowercase().contains("content-type: text/plain"), "{raw}");
    assert!(raw.ends_with("\r\n\r\nplain text"));
}

#[tokio::test]
async fn each_security_scheme_sends_its_credential_and_only_where_the_operation_asks() {
    let client = |url: &str| {
        fixture_auth::Client::builder()
            .base_url(url)
            .allow_http(true)
            .basic_auth("ann", "s3cret")
            .credential("queryKey", "qk")
            .credential("cookieKey", "ck")
            .build()
            .unwrap()
    };
    let (url, rx) = one_request_server();
    client(&url).api().with_basic().await.unwrap();
    let raw = String::from_utf8(rx.recv().unwrap()).unwrap();
    // base64("ann:s3cret")
    assert!(raw.to_ascii_lowercase().contains("authorization: basic ") && raw.contains("YW5uOnMzY3JldA=="), "{raw}");

    let (url, rx) = one_request_server();
    client(&url).api().with_query_key().await.unwrap();
    let raw = String::from_utf8(rx.recv().unwrap()).unwrap();
    assert!(raw.starts_with("GET /query-key?api_key=qk HTTP/1.1"), "{raw}");
    assert!(!raw.to_ascii_lowercase().contains("authorization"), "{raw}");

    let (url, rx) = one_request_server();
    client(&url).api().with_cookie_key().await.unwrap();
    let raw = String::from_utf8(rx.recv().unwrap()).unwrap();
    assert!(raw.to_ascii_lowercase().contains("cookie: session=ck"), "the first scheme with a credential wins: {raw}");
    assert!(!raw.to_ascii_lowercase().contains("authorization"), "{raw}");

    let (url, rx) = one_request_server();
    let _ = client(&url).api().with_nothing().await;
    let raw = String::from_utf8(rx.recv().unwrap()).unwrap().to_ascii_lowercase();
    assert!(!raw.contains("authorization") && !raw.contains("cookie") && !raw.contains("api_key"), "{raw}");
}

#[tokio::test]
async fn query_styles_headers_cookies_and_path_level_parameters() {
    assert_eq!(fixture_parameters::Client::DEFAULT_BASE_URL, "https://eu.params.example.com/api");
    let (url, rx) = one_request_server();
    let client = fixture_parameters::Client::builder()
        .base_url(format!("{url}/api"))
        .allow_http(true)
        .credential("key", "k")
        .build()
        .unwrap();
    // The spec promises JSON and the test server answers 204: only the request matters here.
    let _ = client
        .api()
        .get_search_by_term("a b/c?", 5)
        .tag(["x", "y"])
        .ids([1, 2, 3])
        .words(["hello", "world"])
        .alts(["p", "q"])
        .filter([("color", "red")])
        .x_trace("t-1")
        .session("s")
        .await;
    let raw = String::from_utf8(rx.recv().unwrap()).unwrap();
    let first = raw.lines().next().unwrap();
    assert_eq!(
        first,
        "GET /api/search/a%20b%2Fc%3F?limit=5&alts=p%7Cq&filter[color]=red&ids=1,2,3&tag[]=x&tag[]=y&words=hello%20world HTTP/1.1"
    );
    let lower = raw.to_ascii_lowercase();
    assert!(
        lower.contains("x-trace: t-1") && lower.contains("cookie: session=s") && lower.contains("x-api-key: k"),
        "{raw}"
    );
}

#[tokio::test]
async fn error_bodies_decode_by_status_into_the_operations_error_enum() {
    use fixture_no_schema_responses::operations::api::StartJobError;
    let answer = |status: &str, media: &str, body: &str| {
        format!(
            "HTTP/1.1 {status}\r\ncontent-type: {media}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        )
    };
    let call = |reply: String| async move {
        let (url, _rx) = serve_once(reply);
        let client = fixture_no_schema_responses::Client::builder().base_url(url).allow_http(true).build().unwrap();
        client.api().start_job().await.unwrap_err()
    };

    let error = call(answer("404 Not Found", "application/json", r#"{"missing":"queue"}"#)).await;
    assert!(matches!(StartJobError::from_error(&error), Some(StartJobError::NotFound(ref b)) if b.missing == "queue"));

    let error =
        call(answer("418 I'm a teapot", "application/problem+json", r#"{"title":"teapot","status":418}"#)).await;
    assert!(
        matches!(StartJobError::from_error(&error), Some(StartJobError::Status4xx(ref b)) if b.status == Some(418))
    );

    // 500 is documented without a body: it is not taken for `default`.
    let error = call(answer("500 Internal Server Error", "application/json", r#"{"any":"thing"}"#)).await;
    assert_eq!(error.status().map(|s| s.as_u16()), Some(500));
    assert_eq!(StartJobError::from_error(&error), None);

    let error = call(answer("501 Not Implemented", "application/json", r#"{"any":"thing"}"#)).await;
    assert!(matches!(StartJobError::from_error(&error), Some(StartJobError::Default(ref m)) if m["any"] == "thing"));
}

#[tokio::test]
async fn names_of_the_prelude_and_a_body_parameter_beside_a_body_work_on_the_wire() {
    use fixture_names::types::{DefaultType, Forest, Grove, IntoType, Tree};
    let (url, rx) = serve_once("HTTP/1.1 204 No Content\r\nconnection: close\r\n\r\n".to_string());
    let client = fixture_names::Client::builder().base_url(url).allow_http(true).build().unwrap();
    // The query parameter `body` is an argument of its own, beside the request body.
    client.result().r#match("q", DefaultType::new("c")).body3("h").await.unwrap();
    let raw = String::from_utf8(rx.recv().unwrap()).unwrap();
    assert!(raw.starts_with("POST /match?body=q HTTP/1.1\r\n"), "{raw}");
    assert!(raw.to_ascii_lowercase().contains("\r\nbody: h\r\n"), "{raw}");
    assert!(raw.ends_with(r#"{"clone":"c"}"#), "{raw}");

    // Self-referring aliases are newtypes that read and write the plain JSON shape.
    let tree: Tree = serde_json::from_value(json!({"a": {"b": {}}})).unwrap();
    assert_eq!(tree.0["a"].0["b"], Tree::default());
    assert_eq!(serde_json::to_value(&tree).unwrap(), json!({"a": {"b": {}}}));
    let forest: Forest = serde_json::from_value(json!([[[]], []])).unwrap();
    assert_eq!(forest, Forest(vec![Grove(vec![Forest(vec![])]), Grove(vec![])]));

    // Models named `A` and `D`, the names of generic parameters, inside a model's fields.
    let into: IntoType = serde_json::from_value(json!({"a": {"n": 1}, "d": {"n": 2}, "from": "x"})).unwrap();
    assert_eq!((into.a.n, into.d.and_then(|d| d.n), into.from.as_deref()), (Some(1), Some(2), Some("x")));
}

/// A JSON answer that closes its connection, with extra header lines.
fn json_answer(body: &str, headers: &str) -> String {
    format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n{headers}connection: close\r\n\r\n{body}",
        body.len()
    )
}

/// The request line of each request the server saw.
fn request_lines(rx: &std::sync::mpsc::Receiver<Vec<u8>>) -> Vec<String> {
    rx.try_iter().map(|raw| String::from_utf8(raw).unwrap().lines().next().unwrap_or_default().to_string()).collect()
}

#[tokio::test]
async fn pages_follow_a_declared_link_header_a_next_url_and_a_cursor_in_the_body() {
    use futures_util::TryStreamExt;
    let client = |url: &str| fixture_pagination::Client::builder().base_url(url).allow_http(true).build().unwrap();
    let ids = |items: Vec<fixture_pagination::types::Item>| items.into_iter().map(|i| i.id).collect::<Vec<_>>();

    // A `Link` header declared in the spec, with no extension: `.stream()` follows it.
    let (url, rx) = serve_in_turn(vec![
        json_answer(r#"[{"id":1},{"id":2}]"#, "link: </items?page=2&per_page=2>; rel=\"next\"\r\n"),
        json_answer(r#"[{"id":3}]"#, ""),
    ]);
    let items: Vec<_> = client(&url).api().list_items().per_page(2).stream().try_collect().await.unwrap();
    assert_eq!(ids(items), [1, 2, 3]);
    assert_eq!(request_lines(&rx), ["GET /items?per_page=2 HTTP/1.1", "GET /items?page=2&per_page=2 HTTP/1.1"]);

    // The next page's URL in the body; `null` ends the list.
    let (url, rx) = serve_in_turn(vec![
        json_answer(r#"{"data":[{"id":1}],"links":{"next":"/events?after=abc"}}"#, ""),
        json_answer(r#"{"data":[{"id":2}],"links":{"next":null}}"#, ""),
    ]);
    let items: Vec<_> = client(&url).api().list_events().stream().try_collect().await.unwrap();
    assert_eq!(ids(items), [1, 2]);
    assert_eq!(request_lines(&rx), ["GET /events HTTP/1.1", "GET /events?after=abc HTTP/1.1"]);
    // Awaiting the list gives its first page: the items, and the next page's URL resolved
    // against the page that named it.
    let (url, _rx) = serve_in_turn(vec![json_answer(r#"{"data":[{"id":7}],"links":{"next":"/events?after=x"}}"#, "")]);
    let page = client(&url).api().list_events().await.unwrap();
    assert_eq!(page.len(), 1);
    assert_eq!(page.next_url().map(|u| u.as_str()), Some(format!("{url}/events?after=x").as_str()));

    // A nested cursor, sent back as the `cursor` query parameter beside the other parameters.
    let (url, rx) = serve_in_turn(vec![
        json_answer(r#"{"page":{"entries":[{"id":1},{"id":2}],"next_cursor":"c 2"}}"#, ""),
        json_answer(r#"{"page":{"entries":[{"id":3}],"next_cursor":""}}"#, ""),
    ]);
    let items: Vec<_> = client(&url).api().list_logs().level("warn").stream().try_collect().await.unwrap();
    assert_eq!(ids(items), [1, 2, 3]);
    assert_eq!(request_lines(&rx), ["GET /logs?level=warn HTTP/1.1", "GET /logs?level=warn&cursor=c%202 HTTP/1.1"]);
}

#[tokio::test]
async fn pagination_that_comes_back_to_a_page_stops_with_an_error() {
    use futures_util::TryStreamExt;
    let client = |url: &str| fixture_pagination::Client::builder().base_url(url).allow_http(true).build().unwrap();
    // A to B to A (the second time with a fragment): two requests, then an error, not a loop.
    let (url, rx) = serve_in_turn(vec![
        json_answer(r#"{"data":[{"id":1}],"links":{"next":"/events?page=b"}}"#, ""),
        json_answer(r#"{"data":[{"id":2}],"links":{"next":"/events#again"}}"#, ""),
        json_answer(r#"{"data":[{"id":3}],"links":{"next":null}}"#, ""),
    ]);
    let error = client(&url).api().list_events().stream().try_collect::<Vec<_>>().await.unwrap_err();
    assert!(error.to_string().contains("already fetched"), "{error}");
    assert_eq!(request_lines(&rx).len(), 2);
    // A cursor that comes back is the same page again.
    let (url, rx) = serve_in_turn(vec![
        json_answer(r#"{"page":{"entries":[{"id":1}],"next_cursor":"x"}}"#, ""),
        json_answer(r#"{"page":{"entries":[{"id":2}],"next_cursor":"x"}}"#, ""),
        json_answer(r#"{"page":{"entries":[],"next_cursor":null}}"#, ""),
    ]);
    let error = client(&url).api().list_logs().stream().try_collect::<Vec<_>>().await.unwrap_err();
    assert!(error.to_string().contains("already fetched"), "{error}");
    assert_eq!(request_lines(&rx).len(), 2);
}

#[tokio::test]
async fn properties_beside_required_alternatives_items_alone_and_uint64_enums_are_typed() {
    use fixture_shapes::types::{Contact, Flags, Priority, Reachable, Small};
    // `properties` beside `anyOf: [{required: [email]}, {required: [phone]}]`: one struct, no field lost.
    let wire = json!({
        "name": "Ann", "email": "ann@example.com", "labels": ["a", "b"], "scores": [1, 2],
        "priority": 18446744073709551615u64, "flags": 9223372036854775813u64, "small": 255
    });
    let contact: Contact = serde_json::from_value(wire.clone()).unwrap();
    assert_eq!(contact.email.as_deref(), Some("ann@example.com"));
    assert_eq!(contact.phone, None);
    // `items` without `type: array` is a list.
    let labels: &Vec<String> = contact.labels.as_ref().unwrap();
    assert_eq!(labels, &vec!["a".to_string(), "b".to_string()]);
    assert_eq!(contact.scores, Some(vec![1i32, 2]));
    // uint64 enums hold values beyond i64, known and unknown.
    assert_eq!(contact.priority, Some(Priority::V18446744073709551615));
    assert_eq!(Priority::V9223372036854775808.value(), 9223372036854775808u64);
    assert!(matches!(contact.flags, Some(Flags::Unknown(v)) if v.get() == 9223372036854775813u64));
    assert_eq!(Flags::from(1u64), Flags::V1);
    assert_eq!(contact.small, Some(Small::V255));
    assert_eq!(serde_json::to_value(&contact).unwrap(), wire);
    let reachable: Reachable = serde_json::from_value(json!({"phone": "+1"})).unwrap();
    assert_eq!(reachable.phone.as_deref(), Some("+1"));

    let (url, rx) = serve_once(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 27\r\nconnection: close\r\n\r\n{\"name\":\"Bo\",\"phone\":\"+44\"}"
            .to_string(),
    );
    let client = fixture_shapes::Client::builder().base_url(url).allow_http(true).build().unwrap();
    let back = client.api().create_contact(Contact::new("Bo").phone("+44").priority(Priority::V1)).await.unwrap();
    assert_eq!(back.phone.as_deref(), Some("+44"));
    let raw = String::from_utf8(rx.recv().unwrap()).unwrap();
    assert!(raw.ends_with(r#"{"name":"Bo","phone":"+44","priority":1}"#), "{raw}");
}

#[tokio::test]
async fn operation_and_path_servers_are_honoured_and_literal_queries_kept() {
    let client = |url: &str| {
        fixture_servers_and_paths::Client::builder().base_url(format!("{url}/v1")).allow_http(true).build().unwrap()
    };
    // The path's server, relative: resolved against the client's base URL.
    let (url, rx) = one_request_server();
    client(&url).api().get_file("f 1").await.unwrap();
    let raw = String::from_utf8(rx.recv().unwrap()).unwrap();
    assert!(raw.starts_with("GET /storage/files/f%201 HTTP/1.1\r\n"), "{raw}");

    // The operation's own server wins over its path's; its variables at their defaults.
    let (url, rx) = one_request_server();
    client(&url).api().put_file("f").await.unwrap();
    let raw = String::from_utf8(rx.recv().unwrap()).unwrap();
    assert!(raw.starts_with("PUT /upload-host/uploads/files/f HTTP/1.1\r\n"), "{raw}");

    // A literal query in the path stays when parameters are added.
    let (url, rx) = one_request_server();
    client(&url).api().search().q("x y").tag(["a", "b"]).await.unwrap();
    let raw = String::from_utf8(rx.recv().unwrap()).unwrap();
    assert!(raw.starts_with("GET /v1/search?mode=fast&q=x%20y&tag=a&tag=b HTTP/1.1\r\n"), "{raw}");
    let (url, rx) = one_request_server();
    client(&url).api().search().await.unwrap();
    let raw = String::from_utf8(rx.recv().unwrap()).unwrap();
    assert!(raw.starts_with("GET /v1/search?mode=fast HTTP/1.1\r\n"), "{raw}");
}

#[tokio::test]
async fn form_bodies_follow_their_encoding_and_raw_bodies_carry_the_callers_content_type() {
    use fixture_form_and_raw_bodies::runtime::RawBody;
    use fixture_form_and_raw_bodies::types::{Order, OrderFilter, OrderPlain};
    let client = |url: &str| {
        fixture_form_and_raw_bodies::Client::builder().base_url(url).allow_http(true).build().unwrap()
    };
    let order = Order::new(vec!["a".to_string(), "b c".to_string()])
        .ids(vec![1, 2])
        .words(vec!["x".to_string(), "y".to_string()])
        .pipes(vec!["p".to_string(), "q".to_string()])
        .filter(OrderFilter::new().color("red").size(3))
        .plain(OrderPlain::new().a("1").b("2"))
        .meta([("k".to_string(), "v".to_string())].into_iter().collect::<std::collections::BTreeMap<_, _>>())
        .note("n&m");
    let (url, rx) = one_request_server();
    client(&url).api().send_form(order).await.unwrap();
    let raw = String::from_utf8(rx.recv().unwrap()).unwrap();
    assert!(raw.to_ascii_lowercase().contains("content-type: application/x-www-form-urlencoded"), "{raw}");
    // Properties come in the order serde_json keeps them (sorted, or as declared with
    // `preserve_order`); a list's repeated keys stay in order.
    let body = raw.split("\r\n\r\n").nth(1).unwrap();
    let mut pairs: Vec<&str> = body.split('&').collect();
    pairs.sort();
    assert_eq!(
        pairs,
        [
            "a=1",
            "b=2",
            "filter[color]=red",
            "filter[size]=3",
            "ids=1,2",
            "meta=%7B%22k%22%3A%22v%22%7D",
            "note=n%26m",
            "pipes=p%7Cq",
            "tags=a",
            "tags=b%20c",
            "words=x%20y"
        ],
        "{body}"
    );
    assert!(body.contains("tags=a&tags=b%20c"), "{body}");

    // A `*/*` body: the caller's bytes under the caller's content type, not a JSON string.
    let (url, rx) = one_request_server();
    client(&url).api().upload(RawBody::new("application/pdf", &b"%PDF-1.7"[..])).await.unwrap();
    let raw = String::from_utf8(rx.recv().unwrap()).unwrap();
    assert!(raw.to_ascii_lowercase().contains("content-type: application/pdf\r\n"), "{raw}");
    assert!(raw.ends_with("\r\n\r\n%PDF-1.7"), "{raw}");

    let (url, rx) = one_request_server();
    client(&url).api().put_avatar().body(RawBody::new("image/jpeg", vec![0xff, 0xd8])).await.unwrap();
    let raw = rx.recv().unwrap();
    assert!(String::from_utf8_lossy(&raw).to_ascii_lowercase().contains("content-type: image/jpeg\r\n"));
    assert!(raw.ends_with(b"\r\n\r\n\xff\xd8"));

    // A content type that would break the header, or names no media type, is refused unsent.
    let error = client("http://127.0.0.1:9").api().upload(RawBody::new("a/b\r\nx-evil: 1", vec![])).await;
    assert!(matches!(error, Err(fixture_form_and_raw_bodies::Error::InvalidRequest(_))), "{error:?}");
    let error = client("http://127.0.0.1:9").api().upload(RawBody::new("*/*", vec![])).await;
    assert!(matches!(error, Err(fixture_form_and_raw_bodies::Error::InvalidRequest(_))), "{error:?}");
}

#[tokio::test]
async fn the_mock_server_answers_a_list_as_cursor_pages_and_next_url_pages() {
    use fixture_pagination::types::{Item, ListEventsResponse, ListLogsResponse, ListLogsResponsePage};
    use futures_util::TryStreamExt;
    let items = |ids: &[i64]| ids.iter().map(|&id| Item::new(id)).collect::<Vec<_>>();
    let ids = |items: Vec<Item>| items.into_iter().map(|i| i.id).collect::<Vec<_>>();
    let mock = fixture_pagination::mock::MockServer::start().await;
    // A nested cursor: the mock writes it at `page.next_cursor`; the client sends it back as
    // the `cursor` query parameter beside `level`.
    let logs = |ids: &[i64]| ListLogsResponse::new().page(ListLogsResponsePage::new().entries(items(ids)));
    mock.api().list_logs().level("warn").respond_pages([logs(&[1, 2]), logs(&[3]), logs(&[4])]).expect(3).await;
    // The next page's URL at `links.next`.
    let events = |ids: &[i64]| ListEventsResponse::new().data(items(ids));
    mock.api().list_events().respond_pages([events(&[5]), events(&[6])]).await;
    let client = mock.client();
    let got: Vec<Item> = client.api().list_logs().level("warn").stream().try_collect().await.unwrap();
    assert_eq!(ids(got), [1, 2, 3, 4]);
    let got: Vec<Item> = client.api().list_events().stream().try_collect().await.unwrap();
    assert_eq!(ids(got), [5, 6]);
    mock.verify().await;
}

#[test]
fn decorated_primitives_enums_and_unions_decode_as_themselves() {
    use fixture_decorations::types::{Level, ScopeEnum, StringOrNumber, Thing, Toggle};
    let wire = json!({
        "seq": null, "label": "short", "value": 3.5, "scope": "org", "named_label": "x",
        "toggle": "true", "level": "3", "body": {"a": ["x"]}
    });
    let thing: Thing = serde_json::from_value(wire.clone()).unwrap();
    // `allOf: [{type: string, nullable: true}, {nullable: false}]`: a string that may be null.
    assert_eq!(thing.seq, None);
    assert_eq!(thing.label, "short");
    assert_eq!(thing.value, Some(StringOrNumber::Number(3.5)));
    assert_eq!(thing.scope, Some(ScopeEnum::Org));
    // A string enum's boolean and number values are the strings they spell.
    assert_eq!(thing.toggle, Some(Toggle::True));
    assert_eq!(thing.level, Some(Level::N3));
    assert_eq!(thing.body.as_ref().and_then(|b| b.a.clone()), Some(vec!["x".to_string()]));
    assert_eq!(serde_json::to_value(&thing).unwrap(), wire);
    // The decorated union keeps its other branch, and the nullable scope reads null.
    let other: Thing = serde_json::from_value(json!({"seq": "1", "label": "l", "value": "v", "scope": null})).unwrap();
    assert_eq!(other.value, Some(StringOrNumber::String("v".into())));
    assert_eq!(other.scope, None);
}

#[test]
fn openapi_3_1_nulls_type_lists_and_const_tags_decode() {
    use fixture_openapi31_types::types::{File, FileVersion, Shape, Thing, ThingMood, ThingSize};
    let thing: Thing = serde_json::from_value(json!({
        "id": "5f0c7c1e-7d5c-4f67-9d3e-1c2b3a4d5e6f", "name": "x", "deleted_at": null, "nickname": null,
        "owner": null, "tags": ["a", null], "size": null, "nothing": null, "mood": null, "label": null
    }))
    .unwrap();
    assert_eq!(serde_json::to_value(&thing).unwrap()["deleted_at"], serde_json::Value::Null);
    assert_eq!((thing.deleted_at, thing.nickname, thing.owner, thing.label), (None, None, None, None));
    assert_eq!(thing.tags, Some(vec![Some("a".to_string()), None]));
    // `type: [integer, string, "null"]`: a union of the two, each value in its own variant.
    let sized: Thing = serde_json::from_value(json!({
        "id": "5f0c7c1e-7d5c-4f67-9d3e-1c2b3a4d5e6f", "name": "x", "deleted_at": "2024-01-02T03:04:05Z",
        "size": 3, "mood": "sad", "owner": {"name": "Ann"}, "nothing": null
    }))
    .unwrap();
    assert_eq!(sized.size, Some(ThingSize::Integer(3)));
    assert_eq!(sized.mood, Some(ThingMood::Sad));
    assert_eq!(sized.owner.and_then(|o| o.name).as_deref(), Some("Ann"));
    let named: Thing = serde_json::from_value(json!({
        "id": "5f0c7c1e-7d5c-4f67-9d3e-1c2b3a4d5e6f", "name": "x", "deleted_at": null, "size": "large"
    }))
    .unwrap();
    assert_eq!(named.size, Some(ThingSize::String("large".into())));
    // `const` tags pick the alternative.
    let square: Shape = serde_json::from_value(json!({"kind": "square", "side": 2.0})).unwrap();
    assert!(matches!(square, Shape::Square(ref s) if s.side == 2.0));
    let circle: Shape = serde_json::from_value(json!({"kind": "circle", "radius": 1.0})).unwrap();
    assert!(matches!(circle, Shape::Circle(ref c) if c.radius == 1.0));
    assert!(matches!(serde_json::from_value(json!({"kind": "hexagon"})).unwrap(), Shape::Unknown(_)));
    // `contentEncoding: base64` and `contentMediaType` strings are the text on the wire.
    let file: File =
        serde_json::from_value(json!({"name": "f", "content": "aGk=", "thumbnail": "\u{1}png", "version": 2})).unwrap();
    assert_eq!(file.content.as_deref(), Some("aGk="));
    assert_eq!(file.version, Some(FileVersion::V2));
}

#[tokio::test]
async fn openapi_3_2_query_and_additional_methods_go_on_the_wire() {
    use fixture_openapi32::types::SearchRequest;
    let (url, rx) = serve_in_turn(vec![
        json_answer(r#"[{"id":"a","score":null},{"id":"b","score":0.5}]"#, ""),
        "HTTP/1.1 204 No Content\r\ncontent-length: 0\r\nconnection: close\r\n\r\n".to_string(),
        streamed_answer("application/jsonl", "{\"id\":\"a\"}\r\n\n{\"id\":\"b\",\"score\":2}\n{\"id\":7}\n{\"id\":\"d\"}\n"),
        streamed_answer("text/event-stream", ": hi\n\nevent: tick\ndata: {\"at\":\ndata: 1}\n\ndata: {\"at\":2}\n\n"),
    ]);
    let client = fixture_openapi32::Client::builder().base_url(&url).allow_http(true).build().unwrap();
    let hits = client.search().search(SearchRequest::new("cats")).limit(2).await.unwrap();
    assert_eq!(hits.iter().map(|h| (h.id.as_str(), h.score)).collect::<Vec<_>>(), [("a", None), ("b", Some(0.5))]);
    let raw = String::from_utf8(rx.recv().unwrap()).unwrap();
    assert!(raw.starts_with("QUERY /search?limit=2 HTTP/1.1\r\n"), "{raw}");
    assert!(raw.ends_with(r#"{"text":"cats"}"#), "{raw}");
    client.advanced().purge_search_cache().await.unwrap();
    let raw = String::from_utf8(rx.recv().unwrap()).unwrap();
    assert!(raw.starts_with("PURGE /search HTTP/1.1\r\n"), "{raw}");
    // A JSON Lines stream (3.2's `itemSchema`) yields typed items; the first that does not
    // decode ends it, naming its index.
    let mut stream = client.search().stream_events().await.unwrap();
    let mut hits = Vec::new();
    let error = loop {
        match futures_util::StreamExt::next(&mut stream).await {
            Some(Ok(hit)) => hits.push(hit),
            Some(Err(e)) => break e,
            None => panic!("the bad item was not reported"),
        }
    };
    assert_eq!(hits.iter().map(|h| (h.id.as_str(), h.score)).collect::<Vec<_>>(), [("a", None), ("b", Some(2.0))]);
    assert!(matches!(&error, fixture_openapi32::Error::Decode(d) if d.json_path == "[2]"), "{error}");
    assert!(futures_util::StreamExt::next(&mut stream).await.is_none());
    let raw = String::from_utf8(rx.recv().unwrap()).unwrap();
    assert!(raw.to_ascii_lowercase().contains("accept: application/jsonl\r\n"), "{raw}");
    // Server-sent events: each event's data lines are one item; comments and events without
    // data are none.
    let ticks: Vec<_> = futures_util::TryStreamExt::try_collect::<Vec<_>>(client.search().watch_ticks().await.unwrap())
        .await
        .unwrap();
    assert_eq!(ticks.iter().map(|t| t.at).collect::<Vec<_>>(), [1, 2]);
}

#[tokio::test]
async fn the_mock_server_answers_item_streams_in_their_framing() {
    use fixture_openapi32::types::{Hit, WatchTicksResponseItem};
    use futures_util::TryStreamExt;
    let mock = fixture_openapi32::mock::MockServer::start().await;
    mock.search().stream_events().respond_with([Hit::new("a"), Hit::new("b").score(1.5)]).await;
    mock.search().watch_ticks().respond_with([WatchTicksResponseItem::new(3), WatchTicksResponseItem::new(4)]).await;
    let client = mock.client();
    let hits: Vec<Hit> = client.search().stream_events().await.unwrap().try_collect().await.unwrap();
    assert_eq!(hits, [Hit::new("a"), Hit::new("b").score(1.5)]);
    let ticks: Vec<WatchTicksResponseItem> = client.search().watch_ticks().await.unwrap().try_collect().await.unwrap();
    assert_eq!(ticks.iter().map(|t| t.at).collect::<Vec<_>>(), [3, 4]);
    mock.verify().await;
}

/// A 200 answer of `content_type` sent without a length, ended by closing the connection.
fn streamed_answer(content_type: &str, body: &str) -> String {
    format!("HTTP/1.1 200 OK\r\ncontent-type: {content_type}\r\nconnection: close\r\n\r\n{body}")
}

#[test]
fn a_tag_shared_through_all_of_decides_the_alternative() {
    use fixture_implicit_tags::types::{Event, Item};
    // The tag `type` of `File` lives in the base it includes: without it, `Folder` (whose open
    // enum takes any string) decoded a file.
    let item: Item = serde_json::from_value(json!({"id": "1", "type": "file", "size": 5})).unwrap();
    assert!(matches!(&item, Item::File(f) if f.size == Some(5)), "{item:?}");
    let item: Item = serde_json::from_value(json!({"id": "2", "type": "folder", "item_count": 3})).unwrap();
    assert!(matches!(&item, Item::Folder(f) if f.item_count == Some(3)), "{item:?}");
    let item: Item = serde_json::from_value(json!({"id": "3", "type": "link"})).unwrap();
    assert!(matches!(&item, Item::Unknown(v) if v["type"] == "link"), "{item:?}");
    // Several constants, none a tag alone: each alternative is tried only on its own values;
    // what none claims falls to the alternative without constants.
    let event: Event = serde_json::from_value(json!({"channel": "git", "level": "error", "ref": "main"})).unwrap();
    assert!(matches!(event, Event::Alarm(_)), "{event:?}");
    let event: Event = serde_json::from_value(json!({"channel": "git", "level": "info"})).unwrap();
    assert!(matches!(event, Event::Push(_)), "{event:?}");
    let event: Event = serde_json::from_value(json!({"channel": "pager", "level": "error"})).unwrap();
    assert!(matches!(event, Event::Page(_)), "{event:?}");
    let event: Event = serde_json::from_value(json!({"channel": "pager", "level": "info", "text": "t"})).unwrap();
    assert!(matches!(&event, Event::Note(n) if n.text.as_deref() == Some("t")), "{event:?}");
    assert!(serde_json::from_value::<Event>(json!(5)).is_err());
    // Values no constants claim: the alternative without constants reads them before
    // `Unknown` does, as the spec allows.
    let event: Event = serde_json::from_value(json!({"channel": "git", "level": "warning"})).unwrap();
    assert!(matches!(&event, Event::Note(n) if n.level.as_deref() == Some("warning")), "{event:?}");
}

#[test]
fn alternatives_sharing_a_tag_or_none_decode_into_the_one_that_fits_best() {
    use fixture_implicit_tags::types::{Machine, MachineState, MediaAction, Settings};
    // One enum from a `oneOf` of one-value enums: every listed value is its own variant, an
    // unlisted one `Unknown` (the union's first alternative used to take them all).
    let machine: Machine = serde_json::from_value(json!({"state": "running"})).unwrap();
    assert_eq!(machine.state, MachineState::Running);
    let machine: Machine = serde_json::from_value(json!({"state": "failed"})).unwrap();
    assert_eq!(machine.state, MachineState::Failed);
    let machine: Machine = serde_json::from_value(json!({"state": "hibernating"})).unwrap();
    assert_eq!(machine.state.as_str(), "hibernating");
    assert!(matches!(machine.state, MachineState::Unknown(_)));
    // `PlayMedia` and `SkipMedia` share their one constant; `PlayMedia`, first, reads any
    // action as its open enum's `Unknown` and would drop `seconds`.
    let action: MediaAction =
        serde_json::from_value(json!({"kind": "media", "target": null, "action": "skip_back", "seconds": 5}))
            .unwrap();
    assert!(matches!(&action, MediaAction::SkipMedia(s) if s.seconds == 5.0), "{action:?}");
    let action: MediaAction =
        serde_json::from_value(json!({"kind": "media", "target": "v1", "action": "pause"})).unwrap();
    assert!(matches!(&action, MediaAction::PlayMedia(p) if p.target.as_deref() == Some("v1")), "{action:?}");
    let action: MediaAction =
        serde_json::from_value(json!({"kind": "media", "action": "seek", "position": 1.5})).unwrap();
    assert!(matches!(&action, MediaAction::SeekMedia(s) if s.position == 1.5), "{action:?}");
    // A kind no alternative lists: kept whole, not an error that fails the page it is in.
    let action: MediaAction = serde_json::from_value(json!({"kind": "slides", "page": 3})).unwrap();
    assert!(matches!(&action, MediaAction::Unknown(v) if v["page"] == 3), "{action:?}");
    // A shared tag whose alternative fails to read is an error, not `Unknown`: the value is
    // one this client knows and cannot read, and the message says why.
    let error = serde_json::from_value::<MediaAction>(json!({"kind": "media", "action": "seek"})).unwrap_err();
    assert!(error.to_string().contains("MediaAction"), "{error}");
    // No constants, every property optional: the alternative declaring the value's keys wins,
    // whatever the order.
    let settings: Settings = serde_json::from_value(json!({"vlan": 7, "mtu": 9000})).unwrap();
    assert!(matches!(&settings, Settings::NetworkSettings(n) if n.vlan == Some(7) && n.mtu == Some(9000)));
    let settings: Settings = serde_json::from_value(json!({"size": 10})).unwrap();
    assert!(matches!(&settings, Settings::DiskSettings(d) if d.size == Some(10)));
}

#[tokio::test]
async fn multipart_file_parts_follow_the_schema_through_references_and_the_encoding() {
    use fixture_wire_formats::runtime::FilePart;
    use fixture_wire_formats::types::UploadAvatarRequest;
    let client = |url: &str| fixture_wire_formats::Client::builder().base_url(url).allow_http(true).build().unwrap();
    // The body is a `$ref`; `original` is a `$ref` to a binary string: both are file parts.
    // `image` takes the encoding's media type; `original` is named and typed by the caller.
    let (url, rx) = one_request_server();
    let body = UploadAvatarRequest::new(bytes::Bytes::from_static(b"\x89PNG"))
        .caption("me")
        .original(FilePart::new(b"\xff\xd8raw".to_vec()).filename("me.jpg").content_type("image/jpeg"));
    client(&url).api().upload_avatar(body).await.unwrap();
    let raw = rx.recv().unwrap();
    let text = String::from_utf8_lossy(&raw).to_string();
    assert!(text.contains("name=\"caption\"\r\n\r\nme\r\n"), "{text}");
    assert!(text.contains("name=\"image\"; filename=\"image\"\r\nContent-Type: image/png\r\n\r\n\u{fffd}PNG"), "{text}");
    assert!(text.contains("name=\"original\"; filename=\"me.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n"), "{text}");
    // A file name that would break the part's headers is refused, not sent.
    let (url, _rx) = one_request_server();
    let bad = UploadAvatarRequest::new(FilePart::new(b"x".to_vec()).filename("a\"b"));
    let error = client(&url).api().upload_avatar(bad).await.unwrap_err().to_string();
    assert!(error.contains("file name"), "{error}");
}

#[tokio::test]
async fn accept_names_the_success_media_types_then_the_error_ones_lower() {
    let client = |url: &str| fixture_wire_formats::Client::builder().base_url(url).allow_http(true).build().unwrap();
    let accept = |raw: Vec<u8>| {
        let raw = String::from_utf8_lossy(&raw).to_string();
        raw.lines().find_map(|l| l.strip_prefix("accept: ").map(str::to_string))
    };
    let pdf = "HTTP/1.1 200 OK\r\ncontent-type: application/pdf\r\ncontent-length: 4\r\nconnection: close\r\n\r\n%PDF";
    let (url, rx) = serve_once(pdf.to_string());
    let body = client(&url).api().get_invoice_pdf("7").await.unwrap();
    assert_eq!(&body.bytes().await.unwrap()[..], b"%PDF");
    assert_eq!(accept(rx.recv().unwrap()).as_deref(), Some("application/pdf, application/json;q=0.9"));
    let csv = "HTTP/1.1 200 OK\r\ncontent-type: text/csv\r\ncontent-length: 4\r\nconnection: close\r\n\r\na,b\n";
    let (url, rx) = serve_once(csv.to_string());
    assert_eq!(client(&url).api().get_report().await.unwrap(), "a,b\n");
    assert_eq!(accept(rx.recv().unwrap()).as_deref(), Some("text/csv, application/json;q=0.9"));
    let (url, rx) = serve_once(json_answer(r#"{"title":"t"}"#, ""));
    client(&url).api().get_document("1").await.unwrap();
    assert_eq!(accept(rx.recv().unwrap()).as_deref(), Some("application/json"));
}

#[tokio::test]
async fn read_only_fields_stay_out_of_request_bodies_only() {
    use fixture_wire_formats::types::Document;
    let client = |url: &str| fixture_wire_formats::Client::builder().base_url(url).allow_http(true).build().unwrap();
    let fetched = r#"{"id":"d1","title":"t","created_at":"2024-05-01T10:20:30Z","owner":{"login":"ann","joined_at":"2020-01-01T00:00:00Z"}}"#;
    let (url, _rx) = serve_once(json_answer(fetched, ""));
    let document: Document = client(&url).api().get_document("d1").await.unwrap();
    assert_eq!(document.id.as_deref(), Some("d1"));
    let (url, rx) = one_request_server();
    client(&url).api().put_document("d1", document.clone()).await.unwrap();
    let raw = String::from_utf8(rx.recv().unwrap()).unwrap();
    assert!(raw.ends_with(r#"{"title":"t","owner":{"login":"ann"}}"#), "{raw}");
    // Serialized otherwise (stored, or a mock's answer), a model keeps them.
    let stored = serde_json::to_value(&document).unwrap();
    assert_eq!(stored["id"], "d1");
    assert_eq!(stored["owner"]["joined_at"], "2020-01-01T00:00:00Z");
}

#[tokio::test]
async fn date_times_without_an_offset_or_malformed_do_not_fail_the_page() {
    let client = |url: &str| fixture_wire_formats::Client::builder().base_url(url).allow_http(true).build().unwrap();
    let page = r#"[{"name":"a","at":"2018-01-01T00:01:01"},{"name":"b","at":"soon"},{"name":"c","at":"2018-01-01T00:01:01+02:00"}]"#;
    let (url, _rx) = serve_once(json_answer(page, ""));
    let events = client(&url).api().list_events().await.unwrap();
    assert_eq!(events.len(), 3);
    assert_eq!(events[0].at.to_string(), "2018-01-01T00:01:01Z", "no offset: UTC");
    assert_eq!(events[0].at.text(), "2018-01-01T00:01:01", "the text as sent");
    assert!(!events[1].at.is_valid() && events[1].at.time().is_none());
    assert_eq!(events[1].at.text(), "soon");
    assert_eq!(events[2].at.to_string(), "2017-12-31T22:01:01Z");
    assert_eq!(serde_json::to_value(&events[1]).unwrap()["at"], "soon");
}

#[test]
fn required_properties_the_schema_does_not_describe_survive_a_round_trip() {
    use fixture_undescribed_properties::types::{Emote, NamedThenRequired, Price, RequiredThenNamed, Tariff};
    // `name` is only in `required`: kept as any JSON value, and still optional on decoding.
    let sent = json!({"urn": "u1", "amount": 2.5, "name": {"en": "Wave", "tags": [1, null]}});
    let emote: Emote = serde_json::from_value(sent.clone()).unwrap();
    assert_eq!(emote.name, Some(json!({"en": "Wave", "tags": [1, null]})));
    assert_eq!(serde_json::to_value(&emote).unwrap(), sent);
    let bare: Emote = serde_json::from_value(json!({"urn": "u2"})).unwrap();
    assert_eq!(bare.name, None);
    // A placeholder never replaces a described field of another `allOf` part, in either order.
    let named: NamedThenRequired = serde_json::from_value(json!({"name": "n", "tag": 3})).unwrap();
    assert_eq!((named.name.as_str(), named.tag), ("n", Some(json!(3))));
    assert!(serde_json::from_value::<RequiredThenNamed>(json!({"count": 1})).is_err(), "name is a required String");
    let named: RequiredThenNamed = serde_json::from_value(json!({"name": "n"})).unwrap();
    assert_eq!(named.name, "n");
    // `allOf` beside the schema's own `additionalProperties: true`: the extra map keeps the rest.
    let sent = json!({"name": "p", "pricing_model": "per_unit", "_schema": "price", "n": [1, {"k": "v"}]});
    let price: Price = serde_json::from_value(sent.clone()).unwrap();
    assert_eq!(price.extra.get("_schema"), Some(&json!("price")));
    assert_eq!(serde_json::to_value(&price).unwrap(), sent);
    // `allOf` beside its own `required` naming an undescribed property: a placeholder.
    let sent = json!({"name": "t", "kind": "dynamic", "markup_amount": 1.5});
    let tariff: Tariff = serde_json::from_value(sent.clone()).unwrap();
    assert_eq!(serde_json::to_value(&tariff).unwrap(), sent);
}

#[test]
fn webhooks_with_only_a_token_check_the_token_and_name_no_signature_header() {
    use fixture_webhooks_token_only::webhooks::{self, Event, Verified, WebhookError};
    use fixture_webhooks_token_only::HeaderMap;
    let body = br#"{"id": "t1"}"#;
    let now = std::time::SystemTime::now();
    let mut headers = HeaderMap::new();
    headers.insert(webhooks::EVENT_HEADER, "thing.created".parse().unwrap());
    assert_eq!(
        webhooks::verify(&headers, body, b"secret", now),
        Err(WebhookError::MissingCredential { token_header: Some("X-Thing-Token"), signature_header: None })
    );
    headers.insert(webhooks::TOKEN_HEADER, "guess".parse().unwrap());
    assert_eq!(webhooks::verify(&headers, body, b"secret", now), Err(WebhookError::WrongToken));
    headers.insert(webhooks::TOKEN_HEADER, "secret".parse().unwrap());
    assert_eq!(webhooks::verify(&headers, body, b"secret", now), Ok(Verified::Token));
    match Event::verify_and_parse(&headers, body, b"secret", now).unwrap() {
        Event::ThingCreated(thing) => assert_eq!(thing.id, "t1"),
        other => panic!("not a thing.created event: {other:?}"),
    }
    headers.append(webhooks::TOKEN_HEADER, "secret".parse().unwrap());
    assert_eq!(webhooks::verify(&headers, body, b"secret", now), Err(WebhookError::DuplicateHeader("X-Thing-Token")));
}

/// The query of a raw request's first line, its pairs sorted.
fn sorted_query(raw: &[u8]) -> (String, Vec<String>) {
    let raw = String::from_utf8(raw.to_vec()).unwrap();
    let target = raw.lines().next().unwrap().split(' ').nth(1).unwrap().to_string();
    let (path, query) = target.split_once('?').unwrap_or((&target, ""));
    let mut pairs: Vec<String> = query.split('&').filter(|p| !p.is_empty()).map(String::from).collect();
    pairs.sort();
    (path.to_string(), pairs)
}

#[tokio::test]
async fn a_whole_query_string_is_sent_as_the_objects_form_encoded_keys() {
    use fixture_querystring::types::{ItemFilter, ItemFilterState};
    let (url, rx) = serve_in_turn(vec![
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 5\r\nconnection: close\r\n\r\n[\"a\"]"
            .to_string(),
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 3\r\nconnection: close\r\n\r\n\"x\""
            .to_string(),
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 3\r\nconnection: close\r\n\r\n\"y\""
            .to_string(),
    ]);
    let client = fixture_querystring::Client::builder().base_url(url).allow_http(true).build().unwrap();
    // The parameter's name (`filter`) is not on the wire: the object's properties are the keys;
    // absent optional properties send nothing.
    let filter = ItemFilter::new("red & blue").state(ItemFilterState::Closed).include_deleted(true);
    assert_eq!(client.items().list(filter).await.unwrap(), ["a"]);
    let (path, pairs) = sorted_query(&rx.recv().unwrap());
    assert_eq!(path, "/items");
    assert_eq!(pairs, ["include%20deleted=true", "q=red%20%26%20blue", "state=closed"]);
    // A map schema: each entry a key; an optional query string left unset sends no query.
    let fields: std::collections::BTreeMap<String, String> =
        [("a".to_string(), "1".to_string()), ("b c".to_string(), "2=3".to_string())].into_iter().collect();
    assert_eq!(client.items().get("i").fields(fields).await.unwrap(), "x");
    let (path, pairs) = sorted_query(&rx.recv().unwrap());
    assert_eq!(path, "/items/i");
    assert_eq!(pairs, ["a=1", "b%20c=2%3D3"]);
    assert_eq!(client.items().get("i").await.unwrap(), "y");
    assert_eq!(sorted_query(&rx.recv().unwrap()), ("/items/i".to_string(), Vec::new()));
}

#[tokio::test]
async fn the_mock_server_matches_a_whole_query_string_by_its_keys() {
    use fixture_querystring::types::ItemFilter;
    let mock = fixture_querystring::mock::MockServer::start().await;
    mock.items().list().filter(ItemFilter::new("x").limit(2)).respond_with(vec!["hit".to_string()]).expect(1).await;
    let client = mock.client();
    assert_eq!(client.items().list(ItemFilter::new("x").limit(2)).await.unwrap(), ["hit"]);
    mock.verify().await;
}

#[tokio::test]
async fn waiters_read_booleans_and_refuse_values_they_do_not_list() {
    use fixture_waiters::WaitError;
    use std::time::Duration;
    let client = |url: &str| fixture_waiters::Client::builder().base_url(url).allow_http(true).build().unwrap();
    let deployment = |state: &str, ok: &str| json_answer(&format!(r#"{{"id":"d1","state":"{state}","health":{{"ok":{ok}}}}}"#), "");

    // A boolean field, compared as it is written: `false` is the failure value.
    let (url, rx) = serve_in_turn(vec![deployment("running", "true"), deployment("running", "false")]);
    let health = client(&url).api().get_deployment("d1").wait_until_healthy();
    assert_eq!(health.await.map(|d| d.id).unwrap(), "d1", "`true` is the success value");
    assert_eq!(request_lines(&rx).len(), 1);
    let (url, _rx) = serve_in_turn(vec![deployment("running", "false")]);
    let error = client(&url).api().get_deployment("d1").wait_until_healthy().await.unwrap_err();
    assert!(matches!(&error, WaitError::Failed(w) if w.value.as_deref() == Some("false")), "{error:?}");

    // `started` lists the one value that keeps it waiting: any other it does not list ends it.
    let (url, rx) = serve_in_turn(vec![deployment("queued", "true"), deployment("paused", "true")]);
    let waiter = client(&url).api().get_deployment("d1").verbose(true).wait_until_started().delay(Duration::from_millis(1));
    let error = waiter.await.unwrap_err();
    let WaitError::Unexpected(waited) = &error else { panic!("not Unexpected: {error:?}") };
    assert_eq!((waited.value.as_deref(), waited.polls, waited.last.state.as_str()), (Some("paused"), 2, "paused"));
    assert_eq!(request_lines(&rx), ["GET /deployments/d1?verbose=true HTTP/1.1", "GET /deployments/d1?verbose=true HTTP/1.1"]);
}
