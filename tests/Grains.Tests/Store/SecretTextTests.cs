using AeGrid.Grains.Store;

namespace AeGrid.Grains.Tests.Store;

public sealed class SecretTextTests
{
    [Fact]
    public void Passwords_seen_in_store_locations_are_scrubbed_from_any_text()
    {
        var password = $"Url-{Guid.NewGuid():N}"[..16];
        StoreLocation.Parse($"postgres://aegrid:{Uri.EscapeDataString(password + "@;")}@db/grid");
        var message = $"connection to Host=db;Password={password}@; failed (postgres://aegrid:{Uri.EscapeDataString(password + "@;")}@db)";
        var scrubbed = SecretText.Scrub(message);
        Assert.DoesNotContain(password, scrubbed);
        Assert.Contains("Host=db", scrubbed);
    }

    [Fact]
    public void A_password_given_later_is_hidden_too_but_never_in_ToString()
    {
        var password = $"File-{Guid.NewGuid():N}"[..16];
        var location = ((StoreLocation.Postgres)StoreLocation.Parse("postgres://aegrid@db/grid")).WithPassword(password);
        Assert.True(location.HasPassword);
        Assert.Contains(password, location.ConnectionString);
        Assert.DoesNotContain(password, location.ToString());
        Assert.Equal("user *** said", SecretText.Scrub($"user {password} said"));
    }

    [Fact]
    public void Very_short_passwords_do_not_blank_out_ordinary_words()
    {
        StoreLocation.Parse("postgres://u:ab@db/grid");
        Assert.Equal("about the table", SecretText.Scrub("about the table"));
    }

    [Fact]
    public void Passwords_in_text_that_was_never_parsed_are_masked_by_their_shape()
    {
        Assert.Equal("cannot start on postgres://aegrid:***@db:5432/x?bad=%%",
            SecretText.Scrub("cannot start on postgres://aegrid:NeverParsed1@db:5432/x?bad=%%"));
        Assert.Equal("Host=db;Username=u;Password=***;Database=x", SecretText.Scrub("Host=db;Username=u;Password=NeverParsed2;Database=x"));
        Assert.Equal("postgres:Host=db;Password=***", SecretText.Scrub("postgres:Host=db;Password=***"));
    }
}
